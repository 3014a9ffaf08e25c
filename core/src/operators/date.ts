import type { Condition } from '../model/flag.js';
import { toInstant } from '../parse/date.js';
import type { AttributeTest } from './attribute-test.js';
import { compileComparison } from './comparison.js';

/**
 * `date_before` / `date_after`: instants compared in epoch milliseconds. An attribute that is not a
 * spec date string or a finite number is the wrong type; unparseable values are ignored.
 */
export function compileDateOperator(condition: Condition): AttributeTest {
  return compileComparison(condition, toInstant, (a, b) => a - b);
}
