import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';
import { compileComparison } from './comparison.js';

const finiteNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** `num_*`: a finite number attribute (numeric strings are the wrong type) against numeric values. */
export function compileNumberOperator(condition: Condition): AttributeTest {
  return compileComparison(condition, finiteNumber, (a, b) => a - b);
}
