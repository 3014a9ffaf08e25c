/**
 * Strict semver 2.0: parsing and precedence (semver.org §11). Numeric parts are kept as digit
 * strings so versions beyond 2^53 still compare exactly.
 */

/**
 * The official semver.org pattern (no leading `v`, no leading zeros in numeric identifiers), with
 * its `[a-zA-Z]` classes written `[a-z]` under the `i` flag: the same language, fewer bytes.
 */
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-z-][\da-z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-z-][\da-z-]*))*))?(?:\+[\da-z-]+(?:\.[\da-z-]+)*)?$/i;

const NUMERIC = /^\d+$/;

/**
 * A parsed version: MAJOR, MINOR, PATCH as digit strings, then the pre-release identifiers (none for
 * a release). Build metadata is dropped since it does not affect precedence.
 */
export type SemVer = readonly string[];

/** Parses a strict semver 2.0 string; `undefined` for anything else (including non-strings). */
export function parseSemver(text: unknown): SemVer | undefined {
  const m = typeof text == 'string' ? SEMVER_PATTERN.exec(text) : null;
  return m ? [m[1]!, m[2]!, m[3]!, ...(m[4] ? m[4].split('.') : [])] : undefined;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * §11.4: numeric identifiers compare numerically (digit strings without leading zeros: by length,
 * then lexically) and rank below alphanumeric ones, which compare lexically.
 */
function compareIdentifiers(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric != bNumeric) return aNumeric ? -1 : 1;
  return (aNumeric && a.length - b.length) || compareText(a, b);
}

/** Precedence of `a` relative to `b`: negative, zero or positive. */
export function compareSemver(a: SemVer, b: SemVer): number {
  let i = 0;
  for (; i < a.length && i < b.length; i++) {
    const order = compareIdentifiers(a[i]!, b[i]!);
    if (order) return order;
    // A release (nothing after PATCH) ranks above any of its pre-releases.
    if (i == 2 && (a.length == 3 || b.length == 3)) return b.length - a.length;
  }
  return a.length - b.length;
}
