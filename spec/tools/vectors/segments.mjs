import { flag, rule, snapshot } from './helpers.mjs';

const cond = (attribute, operator, values, extra = {}) => ({ attribute, operator, values, ...extra });

const segments = [
  { key: 'beta-testers', conditions: [cond('userId', 'in', ['u1', 'u2', 'u3'])] },
  { key: 'eu', conditions: [cond('country', 'in', ['DE', 'FR', 'PL'])] },
  { key: 'pro-adults', conditions: [cond('plan', 'in', ['pro']), cond('age', 'num_gte', [18])] },
  { key: 'everyone', conditions: [] },
  { key: 'not-staff', conditions: [cond('email', 'ends_with', ['@corp.example'], { negate: true })] },
];

const on = (id) => ({ value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: id });
const OFF = { value: false, variant: 'off', reason: 'DEFAULT' };

const flags = [
  flag('beta', { rules: [rule('beta', { segments: ['beta-testers'] })] }),
  flag('beta-in-eu', { rules: [rule('both', { segments: ['beta-testers', 'eu'] })] }),
  flag('eu-mobile', {
    rules: [rule('eu-mobile', { segments: ['eu'], conditions: [cond('platform', 'in', ['ios', 'android'])] })],
  }),
  flag('pro-adults', { rules: [rule('pa', { segments: ['pro-adults'] })] }),
  flag('everyone', { rules: [rule('all', { segments: ['everyone'] })] }),
  flag('not-staff', { rules: [rule('ns', { segments: ['not-staff'] })] }),
  flag('beta-or-eu', {
    rules: [rule('beta', { segments: ['beta-testers'] }), rule('eu', { segments: ['eu'] })],
  }),
];

const cases = [
  ['beta', { userId: 'u2' }, 'user in the segment', on('beta')],
  ['beta', { userId: 'u9' }, 'user not in the segment', OFF],
  ['beta', {}, 'missing attribute: segment does not match', OFF],
  ['beta-in-eu', { userId: 'u1', country: 'FR' }, 'both segments match', on('both')],
  ['beta-in-eu', { userId: 'u1', country: 'US' }, 'every referenced segment must match: second fails', OFF],
  ['beta-in-eu', { userId: 'u7', country: 'DE' }, 'every referenced segment must match: first fails', OFF],
  ['eu-mobile', { country: 'PL', platform: 'ios' }, 'segment and condition both match', on('eu-mobile')],
  ['eu-mobile', { country: 'PL', platform: 'web' }, 'segment matches, condition does not', OFF],
  ['eu-mobile', { country: 'US', platform: 'ios' }, 'condition matches, segment does not', OFF],
  ['pro-adults', { plan: 'pro', age: 40 }, 'all conditions of the segment match', on('pa')],
  ['pro-adults', { plan: 'pro', age: 12 }, 'one condition of the segment fails', OFF],
  ['pro-adults', { plan: 'pro' }, 'one attribute of the segment missing', OFF],
  ['everyone', {}, 'an empty segment matches everyone, even an empty context', on('all')],
  ['everyone', { userId: 'x' }, 'an empty segment matches everyone', on('all')],
  ['not-staff', { email: 'a@gmail.com' }, 'negated condition inside a segment', on('ns')],
  ['not-staff', { email: 'a@corp.example' }, 'negated condition inside a segment, excluded', OFF],
  ['not-staff', {}, 'negated condition in a segment never matches a missing attribute', OFF],
  ['beta-or-eu', { country: 'DE' }, 'OR across rules: second rule matches', on('eu')],
  ['beta-or-eu', { userId: 'u3', country: 'DE' }, 'OR across rules: first rule wins', on('beta')],
].map(([flagKey, context, description, expected]) => ({ description, flag: flagKey, context, expected }));

export default {
  description:
    'Segments: a named AND of conditions; a rule matches when all its conditions and all its segments match; an empty segment matches everyone.',
  snapshot: snapshot(flags, segments),
  cases,
};
