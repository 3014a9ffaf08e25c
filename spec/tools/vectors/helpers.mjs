/**
 * Small builders shared by the vector sources, so each topic reads as a table of
 * (flag, context, expected) rows. Expected results are always written out (or, for rollouts and
 * splits, derived from the independent hash in ../murmur3.mjs), never produced by an evaluator.
 */
import { rolloutBucket, variantBucket } from '../murmur3.mjs';

export const ON_OFF = [
  { key: 'on', value: true },
  { key: 'off', value: false },
];

/** A complete wire snapshot around `flags` and `segments`. */
export const snapshot = (flags, segments = []) => ({
  schemaVersion: 1,
  projectKey: 'spec',
  environmentKey: 'test',
  revision: 1,
  flags,
  segments,
});

/** A flag with every required wire field; `fields` override the boolean on/off defaults. */
export const flag = (key, fields = {}) => ({
  key,
  type: 'boolean',
  variants: ON_OFF,
  enabled: true,
  offVariant: 'off',
  defaultServe: { variant: 'off' },
  rules: [],
  prerequisites: [],
  version: 1,
  ...fields,
});

/** A rule with every required wire field. */
export const rule = (id, fields = {}) => ({ id, conditions: [], segments: [], serve: { variant: 'on' }, ...fields });

/** A boolean flag whose single rule `r1` tests one condition and serves `on`; otherwise `off`. */
export const conditionFlag = (key, condition) => flag(key, { rules: [rule('r1', { conditions: [condition] })] });

/** Result of a rule serving variant `variant` of a boolean on/off flag. */
export const MATCH = { value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: 'r1' };
/** Result of a boolean on/off flag falling through to `off` (it has rules). */
export const NO_MATCH = { value: false, variant: 'off', reason: 'DEFAULT' };

/**
 * Operator vectors: each group is one flag with one condition and a list of
 * `[description, context, matches]` rows. Returns `{ flags, cases }`.
 */
export function operatorGroups(groups) {
  const flags = [];
  const cases = [];
  for (const { key, condition, rows } of groups) {
    flags.push(conditionFlag(key, condition));
    for (const [description, context, matches] of rows) {
      cases.push({ description: `${key}: ${description}`, flag: key, context, expected: matches ? MATCH : NO_MATCH });
    }
  }
  return { flags, cases };
}

/** Shorthand for a one-attribute context; `undefined` gives an empty context. */
export const ctx = (attribute, value) => (value === undefined ? {} : { [attribute]: value });

/**
 * The first unit `${prefix}${n}` (n = 0, 1, ...) whose bucket satisfies `accept`, with that bucket.
 * `kind` is 'rollout' or 'variant'.
 */
export function findUnit(salt, kind, accept, prefix = 'user-') {
  const bucketOf = kind === 'rollout' ? rolloutBucket : variantBucket;
  for (let n = 0; n < 2_000_000; n++) {
    const unit = `${prefix}${n}`;
    const bucket = bucketOf(salt, unit);
    if (accept(bucket, unit)) return { unit, bucket };
  }
  throw new Error(`no unit found for salt ${salt}`);
}

export { rolloutBucket, variantBucket };
