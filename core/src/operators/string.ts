import type { AttributeTest } from './compile-condition.js';

/**
 * String operators on a string or string[] attribute; values of other types are ignored. A string[]
 * attribute holds when any element does.
 */

/** Applies `predicate` to a string attribute or to each string element of a string[] attribute. */
export function anyString(attribute: unknown, predicate: (text: string) => boolean): boolean | undefined {
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
  return (attribute) => anyString(attribute, (text) => patterns.some((pattern) => pattern.test(text)));
}
