/**
 * Strict semver 2.0: parsing and precedence (semver.org §11). Numeric parts are kept as digit
 * strings so versions beyond 2^53 still compare exactly.
 */

/** The official semver.org pattern (no leading `v`, no leading zeros in numeric identifiers). */
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const NUMERIC = /^\d+$/;

/** A parsed version; build metadata is dropped since it does not affect precedence. */
export interface SemVer {
  /** MAJOR, MINOR, PATCH as digit strings. */
  readonly core: readonly string[];
  /** Pre-release identifiers; empty for a release. */
  readonly prerelease: readonly string[];
}

/** Parses a strict semver 2.0 string, or returns `undefined`. */
export function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER_PATTERN.exec(text);
  return m === null ? undefined : { core: m.slice(1, 4) as string[], prerelease: m[4]?.split('.') ?? [] };
}

/** Digit strings without leading zeros compare by length, then lexically. */
function compareDigits(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** §11.4: numeric identifiers compare numerically and rank below alphanumeric ones. */
function compareIdentifiers(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric && bNumeric) return compareDigits(a, b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence of `a` relative to `b`: negative, zero or positive. */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    const order = compareDigits(a.core[i]!, b.core[i]!);
    if (order !== 0) return order;
  }
  const aPre = a.prerelease;
  const bPre = b.prerelease;
  // A release ranks above any of its pre-releases.
  if (aPre.length === 0 || bPre.length === 0) return bPre.length - aPre.length;
  for (let i = 0; i < aPre.length && i < bPre.length; i++) {
    const order = compareIdentifiers(aPre[i]!, bPre[i]!);
    if (order !== 0) return order;
  }
  return aPre.length - bPre.length;
}
