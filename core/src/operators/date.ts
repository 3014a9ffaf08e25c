import type { Condition } from '../model/flag.js';
import { toInstant } from '../parse/date.js';
import type { AttributeTest } from './attribute-test.js';

/**
 * `date_before` / `date_after`: instants compared in epoch milliseconds. An attribute that is not a
 * spec date string or a finite number is the wrong type; unparseable values are ignored.
 */
export function compileDateOperator(condition: Condition): AttributeTest {
  let earliest = Infinity;
  let latest = -Infinity;
  for (const value of condition.values) {
    const instant = toInstant(value);
    if (instant === undefined) continue;
    if (instant < earliest) earliest = instant;
    if (instant > latest) latest = instant;
  }
  const before = condition.operator === 'date_before';
  return (attribute) => {
    const instant = toInstant(attribute);
    if (instant === undefined) return undefined;
    return before ? instant < latest : instant > earliest;
  };
}
