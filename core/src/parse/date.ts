/**
 * Strict ISO-8601 subset of the spec: `YYYY-MM-DD` (midnight UTC) or
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM`. The pattern does the syntax;
 * `Date.parse` only ever sees ECMAScript's own date-time format rebuilt from the fields, never the
 * input itself, since it accepts other formats differently per engine.
 */
const DATE_PATTERN = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:Z|([+-])(\d\d):(\d\d)))?$/;

/** Epoch milliseconds of a spec date string, or `undefined` when it is not one. */
export function parseIsoDate(text: string): number | undefined {
  const m = DATE_PATTERN.exec(text);
  if (!m || +m[9]! > 23 || +m[10]! > 59) return undefined;
  // The fields in ECMAScript's own date-time format (which every engine parses alike), at UTC;
  // millisecond precision: further fraction digits are truncated.
  const utc = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '').padEnd(3, '0').slice(0, 3)}`;
  const time = Date.parse(utc + 'Z');
  // Out-of-range fields (2023-02-29, 2024-13-01, 24:00, 23:59:60) fail to parse or roll over: only
  // an exact round trip is a valid date.
  if (!(time === time && new Date(time).toISOString().startsWith(utc))) return undefined;
  return m[8] ? time + (m[8] == '+' ? -1 : 1) * (+m[9]! * 60 + +m[10]!) * 60_000 : time;
}

/**
 * Epoch milliseconds of a date value (spec string or finite epoch-ms number), else `undefined`.
 * (`Number.isFinite` rather than parse/number.js's `finiteNumber`: the browser client loads this
 * module on demand, in a file that must share no module with its main bundle.)
 */
export function toInstant(value: unknown): number | undefined {
  return typeof value == 'string' ? parseIsoDate(value) : Number.isFinite(value) ? (value as number) : undefined;
}
