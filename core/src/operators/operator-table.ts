import { RARE_OPERATORS, type RareOperators } from './rare-operators.js';

/**
 * The rare operator families the condition compiler can use (compile-condition.ts): all of them,
 * for every user of core. The browser client's bundle replaces this module by one whose table
 * starts empty (sdk-browser/src/operator-table.ts) and fills it with {@link registerOperators}
 * when a snapshot needs them.
 */
export const operatorTable: Partial<RareOperators> = { ...RARE_OPERATORS };

/**
 * Adds operator families to the table: conditions compiled without them compile on their first
 * evaluation after this. (A no-op in core, whose table is full: for the browser client's bundle.)
 */
export const registerOperators = (operators: Partial<RareOperators>): void =>
  void Object.assign(operatorTable, operators);
