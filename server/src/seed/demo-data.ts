import type { Flag, FlagType, Variant } from '@switchyard/core';

/** A flag of the demo project: its definition and its configuration per environment. */
export interface DemoFlag {
  key: string;
  name: string;
  description: string;
  type: FlagType;
  variants: Variant[];
  tags: string[];
  clientSide: boolean;
  /** Environment key → configuration (what core's `Flag` holds besides the definition). */
  configs: Record<
    DemoEnvironmentKey,
    Pick<Flag, 'enabled' | 'offVariant' | 'defaultServe' | 'rules' | 'prerequisites'>
  >;
}

export type DemoEnvironmentKey = 'development' | 'production';

export const DEMO_PROJECT = {
  key: 'demo',
  name: 'Demo',
  description: 'Sample flags to try Switchyard with. Delete it with DELETE /api/v1/projects/demo?force=true.',
};

export const DEMO_ENVIRONMENTS: { key: DemoEnvironmentKey; name: string }[] = [
  { key: 'development', name: 'Development' },
  { key: 'production', name: 'Production' },
];

const onOff: Variant[] = [
  { key: 'on', value: true },
  { key: 'off', value: false },
];

export const DEMO_FLAGS: DemoFlag[] = [
  {
    key: 'new-checkout',
    name: 'New checkout',
    description: 'The redesigned checkout: on for everyone in development, 25% of users in production.',
    type: 'boolean',
    variants: onOff,
    tags: ['checkout'],
    clientSide: false,
    configs: {
      development: { enabled: true, offVariant: 'off', defaultServe: { variant: 'on' }, rules: [], prerequisites: [] },
      production: {
        enabled: true,
        offVariant: 'off',
        defaultServe: { variant: 'off' },
        rules: [
          {
            id: 'gradual-rollout',
            description: '25% of users, sticky on userId',
            conditions: [],
            segments: [],
            rollout: { percentage: 2500, stickiness: 'userId' },
            serve: { variant: 'on' },
          },
        ],
        prerequisites: [],
      },
    },
  },
  {
    key: 'checkout-copy',
    name: 'Checkout button copy',
    description: 'A/B test of the checkout button text, split 50/50.',
    type: 'string',
    variants: [
      { key: 'control', value: 'Proceed to checkout', name: 'Control' },
      { key: 'urgent', value: 'Buy now', name: 'Urgent' },
    ],
    tags: ['checkout', 'experiment'],
    clientSide: false,
    configs: {
      development: {
        enabled: true,
        offVariant: 'control',
        defaultServe: {
          split: [
            { variant: 'control', weight: 5000 },
            { variant: 'urgent', weight: 5000 },
          ],
        },
        rules: [],
        prerequisites: [],
      },
      production: {
        enabled: true,
        offVariant: 'control',
        defaultServe: {
          split: [
            { variant: 'control', weight: 5000 },
            { variant: 'urgent', weight: 5000 },
          ],
        },
        rules: [],
        // Only users who see the new checkout take part in the experiment.
        prerequisites: [{ flagKey: 'new-checkout', variants: ['on'] }],
      },
    },
  },
  {
    key: 'max-items',
    name: 'Maximum cart items',
    description: 'How many items a cart holds; more in the Nordic countries.',
    type: 'number',
    variants: [
      { key: 'standard', value: 10 },
      { key: 'nordic', value: 25 },
    ],
    tags: ['cart'],
    clientSide: false,
    configs: {
      development: {
        enabled: true,
        offVariant: 'standard',
        defaultServe: { variant: 'standard' },
        rules: [nordicRule()],
        prerequisites: [],
      },
      production: {
        enabled: true,
        offVariant: 'standard',
        defaultServe: { variant: 'standard' },
        rules: [nordicRule()],
        prerequisites: [],
      },
    },
  },
  {
    key: 'dark-mode',
    name: 'Dark mode',
    description: 'Browser-visible (client-side) flag: on in development, off in production.',
    type: 'boolean',
    variants: onOff,
    tags: ['ui'],
    clientSide: true,
    configs: {
      development: { enabled: true, offVariant: 'off', defaultServe: { variant: 'on' }, rules: [], prerequisites: [] },
      production: { enabled: false, offVariant: 'off', defaultServe: { variant: 'on' }, rules: [], prerequisites: [] },
    },
  },
];

function nordicRule(): Flag['rules'][number] {
  return {
    id: 'nordic-countries',
    description: 'Norway, Sweden and Denmark',
    conditions: [{ attribute: 'country', operator: 'in', values: ['NO', 'SE', 'DK'] }],
    segments: [],
    serve: { variant: 'nordic' },
  };
}

/** The demo flag as core sees it in one environment (what its SDKs get). */
export function demoCoreFlag(flag: DemoFlag, environment: DemoEnvironmentKey): Flag {
  return {
    key: flag.key,
    type: flag.type,
    variants: flag.variants,
    ...flag.configs[environment],
    version: 1,
    clientSide: flag.clientSide,
  };
}
