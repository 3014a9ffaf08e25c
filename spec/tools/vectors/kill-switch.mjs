import { flag, rule, snapshot } from './helpers.mjs';

const COLORS = [
  { key: 'red', value: 'red' },
  { key: 'blue', value: 'blue' },
  { key: 'green', value: 'green' },
];
const everyone = rule('everyone');
const OFF = { value: false, variant: 'off', reason: 'DISABLED' };

const flags = [
  flag('killed', { enabled: false, rules: [everyone], defaultServe: { variant: 'on' } }),
  flag('killed-off-variant-on', { enabled: false, offVariant: 'on', defaultServe: { variant: 'off' } }),
  flag('killed-with-failing-prerequisite', {
    enabled: false,
    prerequisites: [{ flagKey: 'killed', variants: ['on'] }],
    rules: [everyone],
  }),
  flag('killed-split', {
    enabled: false,
    defaultServe: {
      split: [
        { variant: 'on', weight: 5000 },
        { variant: 'off', weight: 5000 },
      ],
    },
  }),
  flag('killed-string', {
    type: 'string',
    variants: COLORS,
    enabled: false,
    offVariant: 'green',
    defaultServe: { variant: 'red' },
    rules: [
      rule('r1', { conditions: [{ attribute: 'plan', operator: 'in', values: ['pro'] }], serve: { variant: 'blue' } }),
    ],
  }),
  flag('live', { rules: [everyone] }),
];

const cases = [
  ['killed', {}, 'a disabled flag serves its off variant, ignoring a rule that matches everyone', OFF],
  ['killed', { userId: 'u1', plan: 'pro' }, 'the context does not matter when disabled', OFF],
  [
    'killed-off-variant-on',
    {},
    'the off variant can be any variant, here "on"',
    { value: true, variant: 'on', reason: 'DISABLED' },
  ],
  [
    'killed-with-failing-prerequisite',
    {},
    'prerequisites are not evaluated when the flag itself is disabled (step 3 before 4)',
    OFF,
  ],
  ['killed-split', { userId: 'u1' }, 'a disabled flag does not split', OFF],
  ['killed-split', {}, 'a disabled flag does not split, no unit needed', OFF],
  [
    'killed-string',
    { plan: 'pro' },
    'a disabled string flag serves its off variant although its rule matches',
    { value: 'green', variant: 'green', reason: 'DISABLED' },
  ],
  [
    'killed-string',
    {},
    'a disabled string flag serves its off variant with an empty context',
    { value: 'green', variant: 'green', reason: 'DISABLED' },
  ],
  [
    'live',
    {},
    'the same configuration enabled serves its rule',
    { value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: 'everyone' },
  ],
].map(([flagKey, context, description, expected]) => ({ description, flag: flagKey, context, expected }));

cases.push(
  {
    description: 'the kill switch applies when the caller asks for the right type',
    flag: 'killed',
    context: {},
    expectedType: 'boolean',
    default: true,
    expected: OFF,
  },
  {
    description: 'the type check comes before the kill switch (step 2 before 3)',
    flag: 'killed',
    context: {},
    expectedType: 'string',
    default: 'fallback',
    expected: { value: 'fallback', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' },
  },
);

export default {
  description:
    'The kill switch: enabled false serves offVariant with reason DISABLED, before prerequisites and rules, whatever the context.',
  snapshot: snapshot(flags),
  cases,
};
