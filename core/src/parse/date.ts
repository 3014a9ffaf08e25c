/**
 * Strict ISO-8601 subset of the spec: `YYYY-MM-DD` (midnight UTC) or
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM`. The pattern does the syntax and
 * `Date` only the calendar arithmetic, since `Date.parse` accepts different formats per engine.
 */
const DATE_PATTERN = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:Z|([+-])(\d\d):(\d\d)))?$/;

/** Epoch milliseconds of a spec date string, or `undefined` when it is not one. */
export function parseIsoDate(text: string): number | undefined {
  const m = DATE_PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, , , offsetHour, offsetMinute] = m.slice(1).map((part) => +(part ?? 0));
  if (hour! > 23 || minute! > 59 || second! > 59 || offsetHour! > 23 || offsetMinute! > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(year!, month! - 1, day);
  // Out-of-range months and days roll over; a round trip catches them (2023-02-29, 2024-13-01).
  if (date.getUTCMonth() != month! - 1 || date.getUTCDate() != day) return undefined;
  const offset = (offsetHour! * 60 + offsetMinute!) * 60_000;
  // Millisecond precision: further fraction digits are truncated.
  const millis = +((m[7] ?? '') + '00').slice(0, 3);
  return date.getTime() + ((hour! * 60 + minute!) * 60 + second!) * 1000 + millis + (m[8] == '+' ? -offset : offset);
}

/** Epoch milliseconds of a date value (spec string or finite epoch-ms number), else `undefined`. */
export function toInstant(value: unknown): number | undefined {
  if (typeof value == 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value == 'string' ? parseIsoDate(value) : undefined;
}
