import type { AttributeTest } from './compile-condition.js';

/**
 * String operators on a string or string[] attribute; values of other types are ignored. A string[]
 * attribute holds when any element does.
 */

/** Applies `predicate` to a string attribute or to each string element of a string[] attribute. */
export function anyString(attribute: unknown, predicate: (text: string) => boolean | undefined): boolean | undefined {
  return typeof attribute == 'string'
    ? predicate(attribute)
    : Array.isArray(attribute)
      ? attribute.some((element: unknown) => typeof element == 'string' && predicate(element))
      : undefined;
}

const stringsOf = (values: readonly unknown[]) => values.filter((value) => typeof value == 'string');

/**
 * `contains` / `starts_with` / `ends_with` (`method` is the matching String method). With
 * `caseInsensitive`, values are lower-cased once here and the attribute once per test.
 */
export function compileSubstring(
  method: 'includes' | 'startsWith' | 'endsWith',
  values: readonly unknown[],
  fold: boolean,
): AttributeTest {
  const wanted = stringsOf(values).map((value) => (fold ? value.toLowerCase() : value));
  return (attribute) =>
    anyString(attribute, (text) => {
      if (fold) text = text.toLowerCase();
      return wanted.some((value) => text[method](value));
    });
}

/**
 * Longest string the `regex` operator tests, in UTF-16 code units (spec: "Conditions"). A longer
 * string is treated like a value of the wrong type: as the attribute, the condition never matches,
 * negated or not; as an element of a string[], it is skipped like a non-string element. With the
 * server's write-time check (linear patterns only) this bounds the time of one match.
 */
export const MAX_REGEX_INPUT_LENGTH = 1024;

/** `regex`: some pattern (unanchored, `i` when case-insensitive) finds a match; invalid patterns are ignored. */
export function compileRegex(values: readonly unknown[], fold: boolean): AttributeTest {
  const patterns: RegExp[] = [];
  for (const value of stringsOf(values)) {
    try {
      patterns.push(new RegExp(value, fold ? 'i' : ''));
    } catch {
      // An invalid pattern never matches.
    }
  }
  // `text[MAX]` exists when text is longer than MAX (shorter in the browser bundle than `.length >`).
  return (attribute) =>
    anyString(attribute, (text) =>
      text[MAX_REGEX_INPUT_LENGTH] ? undefined : patterns.some((pattern) => pattern.test(text)),
    );
}
