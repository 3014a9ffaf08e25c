import type { Condition } from '../model/flag.js';
import type { AttributeTest } from './attribute-test.js';

/**
 * `num_*`: a finite number attribute (numeric strings are the wrong type) against numeric values.
 * "Holds for at least one value" reduces to one comparison with the smallest or largest value.
 */
export function compileNumberOperator(condition: Condition): AttributeTest {
  const equal = new Set<number>();
  let min = Infinity; // stays +Infinity when there are no values: nothing is greater
  let max = -Infinity; // likewise nothing is smaller
  for (const value of condition.values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    equal.add(value);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  let holds: (n: number) => boolean;
  switch (condition.operator) {
    case 'num_eq':
      holds = (n) => equal.has(n);
      break;
    case 'num_gt':
      holds = (n) => n > min;
      break;
    case 'num_gte':
      holds = (n) => n >= min;
      break;
    case 'num_lt':
      holds = (n) => n < max;
      break;
    default:
      holds = (n) => n <= max;
  }
  return (attribute) => (typeof attribute === 'number' && Number.isFinite(attribute) ? holds(attribute) : undefined);
}
