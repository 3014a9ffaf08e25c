/** Request and response examples of the OpenAPI document: a real exchange with the server (see http/openapi-examples.ts). */

export const createPlanRequest = {
  steps: [
    {
      percent: 1,
      holdMinutes: 30,
    },
    {
      percent: 10,
      holdMinutes: 60,
    },
    {
      gate: 'manual',
    },
    {
      percent: 50,
      holdMinutes: 60,
    },
    {
      percent: 100,
      holdMinutes: 0,
    },
  ],
  guards: [
    {
      kind: 'http',
      url: 'https://metrics.example.com/checkout/errors',
      path: '$.error_rate',
      operator: '<',
      threshold: 0.02,
    },
  ],
  guardIntervalSeconds: 30,
  onFailure: 'rollback',
  reason: 'New checkout, guarded by its error rate',
} as const;

export const createPlanResponse = {
  id: 'ead91d93-f954-407f-8a2c-05247fd4aae4',
  flag: 'checkout',
  environment: 'production',
  ruleId: 'everyone',
  steps: [
    {
      percent: 1,
      holdMinutes: 30,
    },
    {
      percent: 10,
      holdMinutes: 60,
    },
    {
      gate: 'manual',
    },
    {
      percent: 50,
      holdMinutes: 60,
    },
    {
      percent: 100,
      holdMinutes: 0,
    },
  ],
  guards: [
    {
      kind: 'http',
      url: 'https://metrics.example.com/checkout/errors',
      path: '$.error_rate',
      operator: '<',
      threshold: 0.02,
      timeoutMs: 5000,
    },
  ],
  guardIntervalSeconds: 30,
  onFailure: 'rollback',
  onInconclusive: 'hold',
  reason: 'New checkout, guarded by its error rate',
  state: 'draft',
  progress: {
    currentStep: -1,
    currentPercent: null,
    stepStartedAt: null,
    holdEndsAt: null,
    nextCheckAt: null,
    waitingFor: 'start',
    lastCheckedAt: null,
    verdicts: [],
  },
  outcome: null,
  createdBy: {
    kind: 'token',
    id: '72e49c24-d585-4bda-9154-cb69301732dd',
    display: 'admin (generated)',
  },
  createdAt: '2026-12-03T18:20:09.757Z',
  updatedAt: '2026-12-03T18:20:09.757Z',
  finishedAt: null,
} as const;
