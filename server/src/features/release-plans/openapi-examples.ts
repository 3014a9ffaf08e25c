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
  ...createPlanRequest,
  // The server fills in each guard's defaults.
  guards: createPlanRequest.guards.map((guard) => ({ ...guard, timeoutMs: 5000 })),
  onInconclusive: 'hold',
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

export const currentPlanResponse = {
  gate: 'pass',
  because: 'the release plan is running',
  killed: false,
  id: 'ead91d93-f954-407f-8a2c-05247fd4aae4',
  state: 'running',
  step: 1,
  stepCount: 5,
  percent: 10,
  guards: [
    {
      guard: 0,
      kind: 'http',
      status: 'pass',
      message: '$.error_rate 0.004 < 0.02',
      observed: 0.004,
      at: '2026-12-03T18:52:40.112Z',
    },
  ],
  updatedAt: '2026-12-03T18:51:10.431Z',
} as const;

/** The created plan after `start`: its first step applied, its guard checked once, holding. */
const runningPlan = {
  ...createPlanResponse,
  state: 'running',
  progress: {
    currentStep: 1,
    currentPercent: 10,
    stepStartedAt: '2026-12-03T18:51:10.431Z',
    holdEndsAt: '2026-12-03T19:51:10.431Z',
    nextCheckAt: '2026-12-03T18:53:10.112Z',
    waitingFor: 'hold',
    lastCheckedAt: '2026-12-03T18:52:40.112Z',
    verdicts: [
      {
        guard: 0,
        kind: 'http',
        status: 'pass',
        message: '$.error_rate 0.004 < 0.02',
        observed: 0.004,
        evidence: { url: 'https://metrics.example.com/checkout/errors', path: '$.error_rate', observed: 0.004 },
        at: '2026-12-03T18:52:40.112Z',
      },
    ],
  },
  updatedAt: '2026-12-03T18:51:10.431Z',
} as const;

/** The running plan as an action leaves it (`state`, and what it waits for). */
export function planAfter(verb: 'start' | 'pause' | 'resume' | 'abort' | 'advance' | 'rollback') {
  const finished = { finishedAt: '2026-12-03T18:58:02.540Z' } as const;
  switch (verb) {
    case 'start':
    case 'resume':
      return runningPlan;
    case 'pause':
      return {
        ...runningPlan,
        state: 'paused',
        progress: { ...runningPlan.progress, waitingFor: 'resume', nextCheckAt: null },
      } as const;
    case 'advance':
      return {
        ...runningPlan,
        progress: {
          ...runningPlan.progress,
          currentStep: 2,
          holdEndsAt: null,
          waitingFor: 'manual-gate',
          nextCheckAt: null,
        },
      } as const;
    case 'abort':
      return { ...runningPlan, ...finished, state: 'aborted', outcome: { by: 'person', because: 'aborted' } } as const;
    case 'rollback':
      return {
        ...runningPlan,
        ...finished,
        state: 'rolled_back',
        progress: { ...runningPlan.progress, currentPercent: 0 },
        outcome: { by: 'person', to: 'rollback' },
      } as const;
  }
}

export const planListResponse = { items: [runningPlan] } as const;
export const planActionRequest = { reason: 'Error budget spent elsewhere; hold the release' } as const;
export const advanceRequest = { fromStep: 1, reason: 'Dashboards look good' } as const;
export const rollbackRequest = { to: 'kill', reason: 'Checkout errors in the EU' } as const;
