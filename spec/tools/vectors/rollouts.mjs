/**
 * Rollout vectors. Every expectation comes from the rollout bucket of spec/README.md, computed with
 * the independent reference hash: units are searched so that they sit on both sides of each boundary,
 * and each case description states the bucket that decides it.
 */
import { createRequire } from 'node:module';
import { findUnit, flag, rolloutBucket, rule, snapshot } from './helpers.mjs';

/** Unleash's flexibleRollout value of a user for a groupId: 1..100 (unleash-client, a bench dependency). */
const { normalizedStrategyValue: unleashNormalizedValue } = createRequire(import.meta.url)(
  'unleash-client/lib/strategy/util.js',
);

const IN = (ruleId = 'r1') => ({ value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId });
const OUT = { value: false, variant: 'off', reason: 'DEFAULT' };
const rolloutFlag = (key, rollout, fields = {}) => flag(key, { rules: [rule('r1', { rollout })], ...fields });

const flags = [];
const cases = [];
const add = (description, flagKey, context, expected) => cases.push({ description, flag: flagKey, context, expected });

/** Cases at bucket `p - 1` (in) and `p` (out), plus the extremes, for a rollout of `p` basis points. */
function boundary(key, p) {
  flags.push(rolloutFlag(key, { percentage: p }));
  const exact = (b) => findUnit(key, 'rollout', (x) => x === b);
  const picks = [];
  if (p > 0) picks.push(exact(p - 1), exact(0));
  if (p < 10000) picks.push(exact(p), exact(9999));
  const seen = new Set();
  for (const { unit, bucket } of picks) {
    if (seen.has(unit)) continue;
    seen.add(unit);
    const inside = bucket < p;
    add(
      `rollout ${p}: userId ${unit} has bucket ${bucket} (salt ${key}) ${inside ? '<' : '>='} ${p}: ${inside ? 'in' : 'out, rule skipped'}`,
      key,
      { userId: unit },
      inside ? IN() : OUT,
    );
  }
}
boundary('rollout-50', 5000);
boundary('rollout-25', 2500);
boundary('rollout-1bp', 1);
boundary('rollout-9999', 9999);
boundary('rollout-0', 0);
boundary('rollout-100', 10000);

// Unleash compatibility: for a whole percentage P, in iff h mod 100 + 1 <= P. Keys as Unleash users
// have them (capitals, dots, `~`, `_`) are hashed as they are, like Unleash's groupId (the feature
// name): each case is checked against unleash-client's own normalizedStrategyValue, and generation
// aborts on any disagreement.
for (const [key, P] of [
  ['rollout-unleash-33', 33],
  ['rollout-unleash-7', 7],
  ['Checkout.NewFlow', 25],
  ['feature.constraints.IN_v2~beta', 50],
  ['UPPER_case-~x.y', 10],
]) {
  flags.push(rolloutFlag(key, { percentage: P * 100 }));
  for (const target of [P - 1, P]) {
    const { unit, bucket: b } = findUnit(key, 'rollout', (x) => Math.floor(x / 100) === target, 'unleash-');
    const hMod100 = Math.floor(b / 100);
    const unleashIn = unleashNormalizedValue(unit, key) <= P;
    if (unleashIn !== b < P * 100) throw new Error(`Unleash disagrees on ${key} ${P}% for userId ${unit}`);
    add(
      `Unleash flexibleRollout ${P}%: userId ${unit} has bucket ${b}, h mod 100 = ${hMod100}, ${hMod100 + 1 <= P ? 'in' : 'out'}`,
      key,
      { userId: unit },
      b < P * 100 ? IN() : OUT,
    );
  }
}

// The unit: absent values, the sessionId fallback, custom stickiness, numbers and booleans.
{
  const key = 'rollout-50';
  const inUser = findUnit(key, 'rollout', (b) => b < 5000);
  const outUser = findUnit(key, 'rollout', (b) => b >= 5000);
  const inSession = findUnit(key, 'rollout', (b) => b < 5000, 'session-');
  const outSession = findUnit(key, 'rollout', (b) => b >= 5000, 'session-');
  const d = (u) => `${u.unit} has bucket ${u.bucket}`;
  add('absent unit (empty context) is never in a rollout below 10000: rule skipped', key, {}, OUT);
  add('userId "" is absent and there is no sessionId: rule skipped', key, { userId: '' }, OUT);
  add('userId null is absent: rule skipped', key, { userId: null }, OUT);
  add('userId as an array is absent: rule skipped', key, { userId: [inUser.unit] }, OUT);
  add('userId as an empty array is absent: rule skipped', key, { userId: [] }, OUT);
  add(`sessionId fallback: ${d(inSession)} < 5000: in`, key, { sessionId: inSession.unit }, IN());
  add(`sessionId fallback: ${d(outSession)} >= 5000: out`, key, { sessionId: outSession.unit }, OUT);
  add(
    `userId wins over sessionId: userId ${d(outUser)} (out) although sessionId ${d(inSession)} (in)`,
    key,
    { userId: outUser.unit, sessionId: inSession.unit },
    OUT,
  );
  add(
    `userId wins over sessionId: userId ${d(inUser)} (in) although sessionId ${d(outSession)} (out)`,
    key,
    { userId: inUser.unit, sessionId: outSession.unit },
    IN(),
  );
  add(
    `userId "" is absent, so sessionId is used: ${d(inSession)}: in`,
    key,
    { userId: '', sessionId: inSession.unit },
    IN(),
  );
  add(
    `userId null is absent, so sessionId is used: ${d(inSession)}: in`,
    key,
    { userId: null, sessionId: inSession.unit },
    IN(),
  );
  add('sessionId "" is absent too: rule skipped', key, { userId: '', sessionId: '' }, OUT);

  for (const value of [7, 42, 1.5, -3, 1e21, 123456789, 1e-7, 0.000001, 1e2]) {
    const text = String(value);
    const b = rolloutBucket(key, text);
    const inside = b < 5000;
    add(
      `number unit ${text} hashes as the string "${text}", bucket ${b}: ${inside ? 'in' : 'out'}`,
      key,
      { userId: value },
      inside ? IN() : OUT,
    );
    add(`string unit "${text}" gives the same bucket ${b}`, key, { userId: text }, inside ? IN() : OUT);
  }
  for (const value of [true, false]) {
    const b = rolloutBucket(key, String(value));
    add(
      `boolean unit ${value} hashes as "${value}", bucket ${b}: ${b < 5000 ? 'in' : 'out'}`,
      key,
      { userId: value },
      b < 5000 ? IN() : OUT,
    );
  }
}
{
  const key = 'rollout-by-org';
  flags.push(rolloutFlag(key, { percentage: 5000, stickiness: 'orgId' }));
  const inOrg = findUnit(key, 'rollout', (b) => b < 5000, 'org-');
  const outOrg = findUnit(key, 'rollout', (b) => b >= 5000, 'org-');
  const inUser = findUnit(key, 'rollout', (b) => b < 5000);
  add(`custom stickiness orgId: ${inOrg.unit} has bucket ${inOrg.bucket}: in`, key, { orgId: inOrg.unit }, IN());
  add(
    `custom stickiness orgId: ${outOrg.unit} has bucket ${outOrg.bucket}: out, although userId ${inUser.unit} (bucket ${inUser.bucket}) would be in`,
    key,
    { orgId: outOrg.unit, userId: inUser.unit },
    OUT,
  );
  add(
    `custom stickiness with the attribute absent does not fall back to userId (${inUser.unit}, bucket ${inUser.bucket}): rule skipped`,
    key,
    { userId: inUser.unit, sessionId: inUser.unit },
    OUT,
  );
  const num = [...Array(50).keys()].map((n) => ({ n, b: rolloutBucket(key, String(n)) })).find(({ b }) => b < 5000);
  add(`custom stickiness with a number value ${num.n}: bucket ${num.b}: in`, key, { orgId: num.n }, IN());
}
{
  const key = 'rollout-explicit-user-id';
  flags.push(rolloutFlag(key, { percentage: 5000, stickiness: 'userId' }));
  const inUser = findUnit(key, 'rollout', (b) => b < 5000);
  const inSession = findUnit(key, 'rollout', (b) => b < 5000, 'session-');
  add(`explicit stickiness userId: ${inUser.unit} bucket ${inUser.bucket}: in`, key, { userId: inUser.unit }, IN());
  add(
    `explicit stickiness userId does not fall back to sessionId (${inSession.unit}, bucket ${inSession.bucket}): rule skipped`,
    key,
    { sessionId: inSession.unit },
    OUT,
  );
}
{
  // The salt, not the key, is hashed when present.
  const key = 'rollout-salted';
  const salt = 'reshuffle-2024';
  flags.push(rolloutFlag(key, { percentage: 5000 }, { salt }));
  const saltIn = findUnit(salt, 'rollout', (b, u) => b < 5000 && rolloutBucket(key, u) >= 5000);
  const saltOut = findUnit(salt, 'rollout', (b, u) => b >= 5000 && rolloutBucket(key, u) < 5000);
  add(
    `salt is hashed instead of the key: ${saltIn.unit} bucket ${saltIn.bucket} with salt ${salt} (${rolloutBucket(key, saltIn.unit)} with the key): in`,
    key,
    { userId: saltIn.unit },
    IN(),
  );
  add(
    `salt is hashed instead of the key: ${saltOut.unit} bucket ${saltOut.bucket} with salt ${salt} (${rolloutBucket(key, saltOut.unit)} with the key): out`,
    key,
    { userId: saltOut.unit },
    OUT,
  );
}
{
  // An excluded unit goes on to the next rule.
  const key = 'rollout-then-next-rule';
  flags.push(
    flag(key, {
      rules: [rule('early', { rollout: { percentage: 3000 } }), rule('rest', { serve: { variant: 'off' } })],
    }),
  );
  const inU = findUnit(key, 'rollout', (b) => b < 3000);
  const outU = findUnit(key, 'rollout', (b) => b >= 3000);
  add(`${inU.unit} bucket ${inU.bucket} < 3000: first rule`, key, { userId: inU.unit }, IN('early'));
  add(
    `${outU.unit} bucket ${outU.bucket} >= 3000: first rule skipped, second rule serves`,
    key,
    { userId: outU.unit },
    { value: false, variant: 'off', reason: 'TARGETING_MATCH', ruleId: 'rest' },
  );
  add(
    'absent unit: first rule skipped, second rule serves',
    key,
    {},
    { value: false, variant: 'off', reason: 'TARGETING_MATCH', ruleId: 'rest' },
  );
}
{
  // Conditions first, then the rollout.
  const key = 'rollout-pro-only';
  flags.push(
    flag(key, {
      rules: [
        rule('r1', {
          conditions: [{ attribute: 'plan', operator: 'in', values: ['pro'] }],
          rollout: { percentage: 5000 },
        }),
      ],
    }),
  );
  const inU = findUnit(key, 'rollout', (b) => b < 5000);
  add(`conditions hold and ${inU.unit} bucket ${inU.bucket} < 5000: in`, key, { userId: inU.unit, plan: 'pro' }, IN());
  add(
    `${inU.unit} bucket ${inU.bucket} would be in, but the conditions do not hold`,
    key,
    { userId: inU.unit, plan: 'free' },
    OUT,
  );
}
add('rollout 10000 includes an absent unit', 'rollout-100', {}, IN());
add('rollout 10000 includes a unit given as an array (absent)', 'rollout-100', { userId: ['a'] }, IN());
add('rollout 0 excludes an absent unit as well', 'rollout-0', {}, OUT);

export default {
  description:
    'Percentage rollouts: bucket = (h mod 100) * 100 + floor(h / 100) mod 100 with h = murmur3("<salt>:<unit>", 0); a unit is in iff bucket < percentage. Absent units, sessionId fallback, custom stickiness, number and boolean units, salt. Each rollout flag has rule r1 (rollout, serving "on"); otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
