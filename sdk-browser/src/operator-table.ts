import type { RareOperators } from '@switchyard/core';

/**
 * Stands in for core's operator-table.js in the client bundles (scripts/build.mjs): the same
 * exports, but the table starts empty, so the rare operators' parsers stay out of the client's
 * bundle; operators.ts fills it from the on-demand module. Conditions compiled meanwhile compile on
 * their first evaluation after that (core/src/operators/compile-condition.ts).
 */
export const operatorTable: Partial<RareOperators> = {};

export const registerOperators = (operators: Partial<RareOperators>): void =>
  void Object.assign(operatorTable, operators);
