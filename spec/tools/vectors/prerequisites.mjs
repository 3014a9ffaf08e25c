import { flag, rule, snapshot } from './helpers.mjs';

const pre = (flagKey, ...variants) => ({ flagKey, variants });
const proOnly = [rule('pro', { conditions: [{ attribute: 'plan', operator: 'in', values: ['pro'] }] })];
/** A child that serves `on` (STATIC) once its prerequisites pass. */
const child = (key, prerequisites, fields = {}) =>
  flag(key, { prerequisites, defaultServe: { variant: 'on' }, ...fields });

const flags = [
  // Parents.
  flag('parent-on', { defaultServe: { variant: 'on' } }),
  flag('parent-disabled', { enabled: false }),
  flag('parent-disabled-serving-on', { enabled: false, offVariant: 'on' }),
  flag('parent-pro', { rules: proOnly }),
  flag('parent-color', {
    type: 'string',
    variants: [
      { key: 'red', value: 'r' },
      { key: 'green', value: 'g' },
      { key: 'blue', value: 'b' },
    ],
    offVariant: 'red',
    defaultServe: { variant: 'red' },
    rules: [
      rule('tier', {
        conditions: [{ attribute: 'tier', operator: 'in', values: ['a'] }],
        serve: { variant: 'green' },
      }),
      rule('tier-b', {
        conditions: [{ attribute: 'tier', operator: 'in', values: ['b'] }],
        serve: { variant: 'blue' },
      }),
    ],
  }),
  // Children.
  child('child-of-on', [pre('parent-on', 'on')]),
  child('child-of-disabled', [pre('parent-disabled', 'on')]),
  child('child-of-disabled-listing-off', [pre('parent-disabled', 'off')]),
  child('child-of-disabled-serving-on', [pre('parent-disabled-serving-on', 'on')]),
  child('child-of-pro', [pre('parent-pro', 'on')]),
  child('child-of-two', [pre('parent-on', 'on'), pre('parent-pro', 'on')]),
  child('child-of-color', [pre('parent-color', 'green', 'blue')]),
  child('child-of-on-with-rules', [pre('parent-on', 'on')], { rules: proOnly, defaultServe: { variant: 'off' } }),
  child('child-no-variants-listed', [pre('parent-on')]),
  child('child-of-missing', [pre('no-such-parent', 'on')]),
  child('child-of-on-then-missing', [pre('parent-on', 'on'), pre('no-such-parent', 'on')]),
  child('child-failing-before-missing', [pre('parent-disabled', 'on'), pre('no-such-parent', 'on')]),
  child('disabled-child-of-missing', [pre('no-such-parent', 'on')], { enabled: false }),
  child('grandchild', [pre('child-of-pro', 'on')]),
  child('child-of-erroring', [pre('child-of-missing', 'off')]),
  // Cycles.
  child('self', [pre('self', 'on')]),
  child('cycle-a', [pre('cycle-b', 'on')]),
  child('cycle-b', [pre('cycle-a', 'on')]),
  child('tri-a', [pre('tri-b', 'on')]),
  child('tri-b', [pre('tri-c', 'on')]),
  child('tri-c', [pre('tri-a', 'on')]),
  child('depends-on-cycle', [pre('cycle-a', 'on')]),
  child('loop-through-disabled', [pre('disabled-back-edge', 'off')]),
  child('disabled-back-edge', [pre('loop-through-disabled', 'on')], { enabled: false }),
  child('disabled-self', [pre('disabled-self', 'on')], { enabled: false }),
  // Diamond: shared ancestor, no cycle.
  child('diamond-base', []),
  child('diamond-left', [pre('diamond-base', 'on')]),
  child('diamond-right', [pre('diamond-base', 'on')]),
  child('diamond-top', [pre('diamond-left', 'on'), pre('diamond-right', 'on')]),
  child('string-child-of-bool', [pre('parent-on', 'on')], {
    type: 'string',
    variants: [
      { key: 'x', value: 'x' },
      { key: 'y', value: 'y' },
    ],
    offVariant: 'y',
    defaultServe: { variant: 'x' },
  }),
];

const ON = { value: true, variant: 'on', reason: 'STATIC' };
const FAILED = { value: false, variant: 'off', reason: 'PREREQUISITE_FAILED' };
const ERROR = { value: false, variant: 'off', reason: 'ERROR', errorCode: 'GENERAL' };

const cases = [
  ['child-of-on', {}, 'parent serves a listed variant: the child is evaluated (no rules: STATIC)', ON],
  ['child-of-disabled', {}, 'a disabled parent serves its off variant, not listed: PREREQUISITE_FAILED', FAILED],
  ['child-of-disabled-listing-off', {}, "a disabled parent's off variant may be listed: passes", ON],
  ['child-of-disabled-serving-on', {}, 'a disabled parent whose off variant is "on", listed: passes', ON],
  ['child-of-pro', { plan: 'pro' }, 'parent targeting depends on the context: passes', ON],
  ['child-of-pro', { plan: 'free' }, 'parent targeting depends on the context: fails', FAILED],
  ['child-of-pro', {}, 'parent falls through to off with an empty context: fails', FAILED],
  ['child-of-two', { plan: 'pro' }, 'both prerequisites pass', ON],
  ['child-of-two', { plan: 'free' }, 'the second prerequisite fails', FAILED],
  ['child-of-color', { tier: 'a' }, 'parent serves green, one of two listed variants', ON],
  ['child-of-color', { tier: 'b' }, 'parent serves blue, the other listed variant', ON],
  ['child-of-color', { tier: 'c' }, 'parent serves red, not listed', FAILED],
  [
    'child-of-on-with-rules',
    { plan: 'pro' },
    'after the prerequisites pass the child rules are evaluated',
    { value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: 'pro' },
  ],
  [
    'child-of-on-with-rules',
    { plan: 'free' },
    'after the prerequisites pass the child falls through to DEFAULT',
    { value: false, variant: 'off', reason: 'DEFAULT' },
  ],
  ['child-no-variants-listed', {}, 'an empty variants list is never satisfied', FAILED],
  ['child-of-missing', {}, 'parent missing from the snapshot: off variant with ERROR/GENERAL', ERROR],
  ['child-of-on-then-missing', {}, 'a missing second parent is an error even after the first passes', ERROR],
  [
    'child-failing-before-missing',
    {},
    'prerequisites are checked in order: the first fails before the missing one is reached',
    FAILED,
  ],
  [
    'disabled-child-of-missing',
    {},
    'a disabled flag does not look at its prerequisites',
    { value: false, variant: 'off', reason: 'DISABLED' },
  ],
  ['grandchild', { plan: 'pro' }, 'transitive prerequisites: grandparent passes, parent passes', ON],
  ['grandchild', { plan: 'free' }, 'transitive: parent fails its own prerequisite, so serves off: not listed', FAILED],
  [
    'child-of-erroring',
    {},
    'a parent with reason ERROR fails the child with ERROR, even though its off variant is listed',
    ERROR,
  ],
  ['self', {}, 'a flag that is its own prerequisite: cycle', ERROR],
  ['cycle-a', {}, '2-cycle, entered at a', ERROR],
  ['cycle-b', {}, '2-cycle, entered at b', ERROR],
  ['tri-a', {}, '3-cycle, entered at a', ERROR],
  ['tri-b', {}, '3-cycle, entered at b', ERROR],
  ['tri-c', {}, '3-cycle, entered at c', ERROR],
  ['depends-on-cycle', {}, 'a flag whose parent is in a cycle gets ERROR', ERROR],
  [
    'loop-through-disabled',
    {},
    'a prerequisite loop through a disabled flag is not evaluated as a cycle: the disabled flag serves off without looking at its prerequisites',
    ON,
  ],
  [
    'disabled-back-edge',
    {},
    'the disabled flag itself: DISABLED',
    { value: false, variant: 'off', reason: 'DISABLED' },
  ],
  ['disabled-self', {}, 'a disabled self-cycle is just disabled', { value: false, variant: 'off', reason: 'DISABLED' }],
  ['diamond-top', {}, 'diamond: a shared ancestor evaluated twice is not a cycle', ON],
  [
    'string-child-of-bool',
    {},
    'parents are evaluated with no expected type: a string flag may depend on a boolean flag',
    { value: 'x', variant: 'x', reason: 'STATIC' },
  ],
  [
    'string-child-of-bool',
    { plan: 'free' },
    'a string flag with a passing boolean prerequisite, asked as string',
    { value: 'x', variant: 'x', reason: 'STATIC' },
  ],
].map(([flagKey, context, description, expected]) => ({ description, flag: flagKey, context, expected }));

cases[cases.length - 1].expectedType = 'string';

export default {
  description:
    'Prerequisites: evaluated in order, each parent fully and recursively; a parent serving an unlisted variant gives PREREQUISITE_FAILED, a missing parent, a cycle or a parent with reason ERROR gives ERROR/GENERAL, all serving the off variant.',
  snapshot: snapshot(flags),
  cases,
};
