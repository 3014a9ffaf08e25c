/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

export const replaceConfigRequest = {
  enabled: true,
  offVariant: 'off',
  defaultServe: {
    variant: 'off',
  },
  rules: [
    {
      id: 'beta-users',
      conditions: [
        {
          attribute: 'plan',
          operator: 'in',
          values: ['beta'],
        },
      ],
      segments: [],
      serve: {
        variant: 'on',
      },
      rollout: {
        percent: 25,
      },
    },
  ],
  prerequisites: [],
} as const;

export const replaceConfigResponse = {
  environment: 'production',
  enabled: true,
  offVariant: 'off',
  defaultServe: {
    variant: 'off',
  },
  rules: [
    {
      id: 'beta-users',
      conditions: [
        {
          attribute: 'plan',
          operator: 'in',
          values: ['beta'],
        },
      ],
      segments: [],
      rollout: {
        percent: 25,
      },
      serve: {
        variant: 'on',
      },
    },
  ],
  prerequisites: [],
  version: 2,
  killed: false,
  killReason: null,
} as const;

export const rolloutRequest = {
  percent: 50,
  reason: 'error rate flat at 25%',
} as const;

export const rolloutResponse = {
  environment: 'production',
  enabled: true,
  offVariant: 'off',
  defaultServe: {
    variant: 'off',
  },
  rules: [
    {
      id: 'beta-users',
      conditions: [
        {
          attribute: 'plan',
          operator: 'in',
          values: ['beta'],
        },
      ],
      segments: [],
      rollout: {
        percent: 50,
      },
      serve: {
        variant: 'on',
      },
    },
  ],
  prerequisites: [],
  version: 3,
  killed: false,
  killReason: null,
} as const;

export const killRequest = {
  reason: 'payment errors up 4x (INC-1432)',
} as const;

export const killResponse = {
  environment: 'production',
  enabled: false,
  offVariant: 'off',
  defaultServe: {
    variant: 'off',
  },
  rules: [
    {
      id: 'beta-users',
      conditions: [
        {
          attribute: 'plan',
          operator: 'in',
          values: ['beta'],
        },
      ],
      segments: [],
      rollout: {
        percent: 50,
      },
      serve: {
        variant: 'on',
      },
    },
  ],
  prerequisites: [],
  version: 4,
  killed: true,
  killReason: 'payment errors up 4x (INC-1432)',
} as const;

export const restoreRequest = {
  reason: 'fixed in 2.14.1',
} as const;

export const restoreResponse = {
  environment: 'production',
  enabled: true,
  offVariant: 'off',
  defaultServe: {
    variant: 'off',
  },
  rules: [
    {
      id: 'beta-users',
      conditions: [
        {
          attribute: 'plan',
          operator: 'in',
          values: ['beta'],
        },
      ],
      segments: [],
      rollout: {
        percent: 50,
      },
      serve: {
        variant: 'on',
      },
    },
  ],
  prerequisites: [],
  version: 5,
  killed: false,
  killReason: null,
} as const;
