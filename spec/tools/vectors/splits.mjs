/**
 * Split vectors. Every expectation comes from the variant bucket of spec/README.md (and, for a rule
 * with a rollout, the rollout bucket), computed with the independent reference hash. Each case
 * description states the bucket that decides it.
 */
import { findUnit, flag, rolloutBucket, rule, snapshot, variantBucket } from './helpers.mjs';

const LETTERS = ['a', 'b', 'c', 'none'].map((key) => ({ key, value: key }));
const stringFlag = (key, fields) =>
  flag(key, { type: 'string', variants: LETTERS, offVariant: 'none', defaultServe: { variant: 'none' }, ...fields });
const split = (weights, stickiness) => ({
  split: Object.entries(weights).map(([variant, weight]) => ({ variant, weight })),
  ...(stickiness ? { stickiness } : {}),
});
const served = (variant, ruleId) => ({ value: variant, variant, reason: 'SPLIT', ...(ruleId ? { ruleId } : {}) });
/** The variant whose cumulative weight first exceeds `vb`. */
function pickVariant(weights, vb) {
  let sum = 0;
  for (const [variant, weight] of Object.entries(weights)) {
    sum += weight;
    if (sum > vb) return variant;
  }
  throw new Error('weights do not sum to 10000');
}

const flags = [];
const cases = [];
const add = (description, flagKey, context, expected, extra = {}) =>
  cases.push({ description, flag: flagKey, context, ...extra, expected });
const exact = (salt, vb, prefix) => findUnit(salt, 'variant', (b) => b === vb, prefix);

{
  const key = 'split-thirds';
  const weights = { a: 3333, b: 3333, c: 3334 };
  flags.push(stringFlag(key, { defaultServe: split(weights) }));
  for (const vb of [0, 3332, 3333, 6665, 6666, 9999]) {
    const { unit } = exact(key, vb);
    const v = pickVariant(weights, vb);
    add(
      `fallthrough split 3333/3333/3334: ${unit} has variant bucket ${vb}: ${v} (reason SPLIT, no ruleId)`,
      key,
      { userId: unit },
      served(v),
    );
  }
  add('absent unit: the first variant with a weight above 0 (a), not random', key, {}, served('a'));
  add('userId "" and no sessionId: absent unit: first variant', key, { userId: '' }, served('a'));
  const s = exact(key, 5000, 'session-');
  add(`sessionId fallback: ${s.unit} has variant bucket 5000: b`, key, { sessionId: s.unit }, served('b'));
  const u = exact(key, 9000);
  add(
    `userId wins over sessionId: userId ${u.unit} has variant bucket 9000: c (sessionId ${s.unit} would give b)`,
    key,
    { userId: u.unit, sessionId: s.unit },
    served('c'),
  );
  add(
    `userId "" falls back to sessionId ${s.unit} (variant bucket 5000): b`,
    key,
    { userId: '', sessionId: s.unit },
    served('b'),
  );
}
{
  const key = 'split-in-rule';
  const weights = { a: 5000, b: 5000 };
  flags.push(
    stringFlag(key, {
      rules: [
        rule('us', { conditions: [{ attribute: 'country', operator: 'in', values: ['US'] }], serve: split(weights) }),
      ],
    }),
  );
  for (const vb of [4999, 5000]) {
    const { unit } = exact(key, vb);
    const v = pickVariant(weights, vb);
    add(
      `rule split 50/50: ${unit} has variant bucket ${vb}: ${v}, reason SPLIT with ruleId`,
      key,
      { userId: unit, country: 'US' },
      served(v, 'us'),
    );
  }
  add(
    'rule does not match: DEFAULT, no split',
    key,
    { userId: 'user-1', country: 'DE' },
    { value: 'none', variant: 'none', reason: 'DEFAULT' },
  );
  add('rule matches, absent unit: first variant with weight above 0', key, { country: 'US' }, served('a', 'us'));
}
{
  const key = 'split-zero-weights';
  const weights = { a: 0, b: 3000, c: 7000 };
  flags.push(stringFlag(key, { defaultServe: split(weights) }));
  for (const vb of [0, 2999, 3000, 9999]) {
    const { unit } = exact(key, vb);
    add(
      `weight 0 is never served: ${unit} has variant bucket ${vb}: ${pickVariant(weights, vb)}`,
      key,
      { userId: unit },
      served(pickVariant(weights, vb)),
    );
  }
  add('absent unit skips the zero-weight first variant: b', key, {}, served('b'));
}
{
  const key = 'split-all-to-one';
  flags.push(stringFlag(key, { defaultServe: split({ a: 0, b: 0, c: 10000 }) }));
  const { unit, bucket } = findUnit(key, 'variant', () => true);
  add(`a 10000 weight takes every unit: ${unit} (variant bucket ${bucket}): c`, key, { userId: unit }, served('c'));
  add('a 10000 weight takes the absent unit too', key, {}, served('c'));
}
{
  const key = 'split-one-basis-point';
  const weights = { a: 1, b: 9999 };
  flags.push(stringFlag(key, { defaultServe: split(weights) }));
  for (const vb of [0, 1]) {
    const { unit } = exact(key, vb);
    add(
      `weight 1 (0.01%): ${unit} has variant bucket ${vb}: ${pickVariant(weights, vb)}`,
      key,
      { userId: unit },
      served(pickVariant(weights, vb)),
    );
  }
}
{
  const key = 'split-by-device';
  const weights = { a: 5000, b: 5000 };
  flags.push(stringFlag(key, { defaultServe: split(weights, 'deviceId') }));
  for (const vb of [4999, 5000]) {
    const { unit } = exact(key, vb, 'device-');
    add(
      `custom stickiness deviceId: ${unit} has variant bucket ${vb}: ${pickVariant(weights, vb)}`,
      key,
      { deviceId: unit },
      served(pickVariant(weights, vb)),
    );
  }
  const u = findUnit(key, 'variant', (b) => b >= 5000);
  add(
    `custom stickiness absent: first variant (a), no fallback to userId ${u.unit} (variant bucket ${u.bucket} would give b)`,
    key,
    { userId: u.unit, sessionId: u.unit },
    served('a'),
  );
  const n = [...Array(100).keys()].find((i) => variantBucket(key, String(i)) >= 5000);
  add(
    `number deviceId ${n} hashes as "${n}" (variant bucket ${variantBucket(key, String(n))}): b`,
    key,
    { deviceId: n },
    served('b'),
  );
}
{
  const key = 'split-salted';
  const salt = 'experiment-v2';
  const weights = { a: 5000, b: 5000 };
  flags.push(stringFlag(key, { salt, defaultServe: split(weights) }));
  const u = findUnit(salt, 'variant', (b, unit) => b < 5000 && variantBucket(key, unit) >= 5000);
  add(
    `salt is hashed instead of the key: ${u.unit} has variant bucket ${u.bucket} with salt ${salt} (${variantBucket(key, u.unit)} with the key): a`,
    key,
    { userId: u.unit },
    served('a'),
  );
  const w = findUnit(salt, 'variant', (b, unit) => b >= 5000 && variantBucket(key, unit) < 5000);
  add(
    `salt is hashed instead of the key: ${w.unit} has variant bucket ${w.bucket} with salt ${salt} (${variantBucket(key, w.unit)} with the key): b`,
    key,
    { userId: w.unit },
    served('b'),
  );
}
{
  // A rollout and a split on the same rule: the rollout bucket (seed 0) decides inclusion, the
  // variant bucket (seed 86028157) the variant.
  const key = 'rollout-then-split';
  const weights = { a: 5000, b: 5000 };
  flags.push(stringFlag(key, { rules: [rule('exp', { rollout: { percentage: 5000 }, serve: split(weights) })] }));
  const both = (r, v) => findUnit(key, 'rollout', (rb, unit) => r(rb) && v(variantBucket(key, unit)));
  const inA = both(
    (b) => b < 5000,
    (b) => b < 5000,
  );
  const inB = both(
    (b) => b < 5000,
    (b) => b >= 5000,
  );
  const out = both(
    (b) => b >= 5000,
    (b) => b < 5000,
  );
  const d = (u) => `${u.unit} has rollout bucket ${u.bucket}, variant bucket ${variantBucket(key, u.unit)}`;
  add(`${d(inA)}: in the rollout, variant a`, key, { userId: inA.unit }, served('a', 'exp'));
  add(`${d(inB)}: in the rollout, variant b`, key, { userId: inB.unit }, served('b', 'exp'));
  add(
    `${d(out)}: outside the rollout: DEFAULT`,
    key,
    { userId: out.unit },
    {
      value: 'none',
      variant: 'none',
      reason: 'DEFAULT',
    },
  );
  add(
    'absent unit: rollout below 10000 skips the rule',
    key,
    {},
    { value: 'none', variant: 'none', reason: 'DEFAULT' },
  );
  if (rolloutBucket(key, inA.unit) >= 5000) throw new Error('unreachable');
}
{
  const key = 'full-rollout-split';
  flags.push(
    stringFlag(key, {
      rules: [rule('exp', { rollout: { percentage: 10000 }, serve: split({ a: 0, b: 5000, c: 5000 }) })],
    }),
  );
  add(
    'rollout 10000 includes the absent unit; the split serves its first positive weight',
    key,
    {},
    served('b', 'exp'),
  );
}
{
  const key = 'split-boolean';
  const weights = { on: 2000, off: 8000 };
  flags.push(flag(key, { defaultServe: split(weights) }));
  for (const vb of [1999, 2000]) {
    const { unit } = exact(key, vb);
    const v = pickVariant(weights, vb);
    add(
      `boolean split 20/80: ${unit} has variant bucket ${vb}: ${v}`,
      key,
      { userId: unit },
      { value: v === 'on', variant: v, reason: 'SPLIT' },
      { expectedType: 'boolean', default: false },
    );
  }
}

export default {
  description:
    'Splits: vb = (h mod 1000) * 10 + floor(h / 1000) mod 10 with h = murmur3("<salt>:<unit>", 86028157); the unit gets the first variant whose cumulative weight is > vb; an absent unit gets the first variant with a weight above 0. Reason SPLIT, with ruleId when a rule serves the split.',
  snapshot: snapshot(flags),
  cases,
};
