/**
 * Strict semver 2.0: parsing and precedence (semver.org §11). Numeric parts are kept as digit
 * strings so versions beyond 2^53 still compare exactly.
 */

/** The official semver.org pattern (no leading `v`, no leading zeros in numeric identifiers). */
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const NUMERIC_IDENTIFIER = /^\d+$/;

/** A parsed version; build metadata is dropped since it does not affect precedence. */
export interface SemVer {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Pre-release identifiers; empty for a release. */
  readonly prerelease: readonly string[];
}

/** Parses a strict semver 2.0 string, or returns `undefined`. */
export function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER_PATTERN.exec(text);
  if (m === null) return undefined;
  return {
    major: m[1]!,
    minor: m[2]!,
    patch: m[3]!,
    prerelease: m[4] === undefined ? [] : m[4].split('.'),
  };
}

/** Compares two digit strings without leading zeros numerically. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = NUMERIC_IDENTIFIER.test(a);
  const bNumeric = NUMERIC_IDENTIFIER.test(b);
  if (aNumeric && bNumeric) return compareDigits(a, b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence of `a` relative to `b`: negative, zero or positive. */
export function compareSemver(a: SemVer, b: SemVer): number {
  const core = compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (core !== 0) return core;
  const aPre = a.prerelease;
  const bPre = b.prerelease;
  // A release ranks above any of its pre-releases.
  if (aPre.length === 0 || bPre.length === 0) return bPre.length - aPre.length;
  const shared = Math.min(aPre.length, bPre.length);
  for (let i = 0; i < shared; i++) {
    const order = compareIdentifiers(aPre[i]!, bPre[i]!);
    if (order !== 0) return order;
  }
  return aPre.length - bPre.length;
}
