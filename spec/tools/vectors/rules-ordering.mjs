import { flag, rule, snapshot } from './helpers.mjs';

const TIERS = [
  { key: 'gold', value: 'gold' },
  { key: 'silver', value: 'silver' },
  { key: 'bronze', value: 'bronze' },
  { key: 'none', value: 'none' },
];
const cond = (attribute, operator, values, extra = {}) => ({ attribute, operator, values, ...extra });
const stringFlag = (key, fields) =>
  flag(key, { type: 'string', variants: TIERS, offVariant: 'none', defaultServe: { variant: 'none' }, ...fields });

const flags = [
  stringFlag('ordered', {
    rules: [
      rule('us', { conditions: [cond('country', 'in', ['US'])], serve: { variant: 'gold' } }),
      rule('pro', { conditions: [cond('plan', 'in', ['pro'])], serve: { variant: 'silver' } }),
      rule('catch-all', { serve: { variant: 'bronze' } }),
    ],
  }),
  stringFlag('no-catch-all', {
    rules: [
      rule('us', { conditions: [cond('country', 'in', ['US'])], serve: { variant: 'gold' } }),
      rule('pro', { conditions: [cond('plan', 'in', ['pro'])], serve: { variant: 'silver' } }),
    ],
  }),
  stringFlag('all-conditions', {
    rules: [
      rule('us-pro-adult', {
        conditions: [cond('country', 'in', ['US']), cond('plan', 'in', ['pro']), cond('age', 'num_gte', [18])],
        serve: { variant: 'gold' },
      }),
    ],
  }),
  stringFlag('same-variant-twice', {
    rules: [
      rule('first', { conditions: [cond('plan', 'in', ['pro', 'team'])], serve: { variant: 'silver' } }),
      rule('second', { conditions: [cond('plan', 'in', ['pro'])], serve: { variant: 'silver' } }),
    ],
  }),
  stringFlag('negated-then-catch-all', {
    rules: [
      rule('not-internal', {
        conditions: [cond('email', 'ends_with', ['@corp.example'], { negate: true })],
        serve: { variant: 'gold' },
      }),
      rule('rest', { serve: { variant: 'bronze' } }),
    ],
  }),
  stringFlag('no-rules', { defaultServe: { variant: 'silver' } }),
  stringFlag('unicode-rule-id', { rules: [rule('правило-🚀', { serve: { variant: 'gold' } })] }),
  stringFlag('default-is-off-variant-too', {
    rules: [rule('never', { conditions: [cond('x', 'in', [])], serve: { variant: 'gold' } })],
    defaultServe: { variant: 'none' },
  }),
];

const served = (variant, reason, ruleId) => ({ value: variant, variant, reason, ...(ruleId ? { ruleId } : {}) });

const cases = [
  [
    'ordered',
    { country: 'US', plan: 'pro' },
    'both of the first two rules match: the first wins',
    served('gold', 'TARGETING_MATCH', 'us'),
  ],
  [
    'ordered',
    { country: 'DE', plan: 'pro' },
    'the first rule does not match, the second does',
    served('silver', 'TARGETING_MATCH', 'pro'),
  ],
  [
    'ordered',
    { country: 'DE' },
    'a rule with no conditions and no segments matches everyone',
    served('bronze', 'TARGETING_MATCH', 'catch-all'),
  ],
  ['ordered', {}, 'the catch-all rule matches an empty context', served('bronze', 'TARGETING_MATCH', 'catch-all')],
  ['no-catch-all', { plan: 'pro' }, 'second rule matches', served('silver', 'TARGETING_MATCH', 'pro')],
  ['no-catch-all', { country: 'US', plan: 'pro' }, 'first rule wins', served('gold', 'TARGETING_MATCH', 'us')],
  [
    'no-catch-all',
    { plan: 'free' },
    'no rule matches: defaultServe with reason DEFAULT and no ruleId',
    served('none', 'DEFAULT'),
  ],
  ['no-catch-all', {}, 'empty context: DEFAULT', served('none', 'DEFAULT')],
  [
    'all-conditions',
    { country: 'US', plan: 'pro', age: 30 },
    'all three conditions hold',
    served('gold', 'TARGETING_MATCH', 'us-pro-adult'),
  ],
  [
    'all-conditions',
    { country: 'US', plan: 'pro', age: 17 },
    'one condition fails: the rule does not match',
    served('none', 'DEFAULT'),
  ],
  [
    'all-conditions',
    { country: 'US', plan: 'pro' },
    'one attribute missing: the rule does not match',
    served('none', 'DEFAULT'),
  ],
  [
    'all-conditions',
    { plan: 'pro', age: 30 },
    'first condition missing: the rule does not match',
    served('none', 'DEFAULT'),
  ],
  [
    'same-variant-twice',
    { plan: 'pro' },
    'two rules serve the same variant: the first rule id is reported',
    served('silver', 'TARGETING_MATCH', 'first'),
  ],
  [
    'negated-then-catch-all',
    { email: 'a@corp.example' },
    'negated condition false: next rule',
    served('bronze', 'TARGETING_MATCH', 'rest'),
  ],
  [
    'negated-then-catch-all',
    { email: 'a@gmail.com' },
    'negated condition true',
    served('gold', 'TARGETING_MATCH', 'not-internal'),
  ],
  [
    'negated-then-catch-all',
    {},
    'negated condition on a missing attribute does not match: evaluation goes on to the next rule',
    served('bronze', 'TARGETING_MATCH', 'rest'),
  ],
  [
    'no-rules',
    { country: 'US' },
    'a flag with no rules serves defaultServe with reason STATIC',
    served('silver', 'STATIC'),
  ],
  ['no-rules', {}, 'STATIC with an empty context', served('silver', 'STATIC')],
  ['unicode-rule-id', {}, 'rule ids are reported verbatim', served('gold', 'TARGETING_MATCH', 'правило-🚀')],
  [
    'default-is-off-variant-too',
    { x: 'a' },
    'DEFAULT even when defaultServe is the off variant (reason tells them apart)',
    served('none', 'DEFAULT'),
  ],
].map(([flagKey, context, description, expected]) => ({ description, flag: flagKey, context, expected }));

export default {
  description:
    'Rule order and fallthrough: the first matching rule serves (TARGETING_MATCH + ruleId); all conditions of a rule must hold; no match serves defaultServe (DEFAULT; STATIC when the flag has no rules).',
  snapshot: snapshot(flags),
  cases,
};
