/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

/** The one rule of every example: beta-plan users, `rollout` percent of them get `on`. */
const betaRule = (percent: number) =>
  ({
    id: 'beta-users',
    conditions: [{ attribute: 'plan', operator: 'in', values: ['beta'] }],
    segments: [],
    rollout: { percent },
    serve: { variant: 'on' },
  }) as const;

/** The configuration as the server answers it after each step of the examples' story. */
const configResponse = <const Extra extends object>(percent: number, extra: Extra) =>
  ({
    environment: exampleStory.environment,
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [betaRule(percent)],
    prerequisites: [],
    killed: false,
    killReason: null,
    ...extra,
  }) as const;

export const replaceConfigRequest = {
  enabled: true,
  offVariant: 'off',
  defaultServe: { variant: 'off' },
  rules: [betaRule(25)],
  prerequisites: [],
} as const;

export const replaceConfigResponse = configResponse(25, { version: 2 });

export const rolloutRequest = {
  percent: 50,
  reason: 'error rate flat at 25%',
} as const;

export const rolloutResponse = configResponse(50, { version: 3 });

export const killRequest = {
  reason: 'payment errors up 4x (INC-1432)',
} as const;

export const killResponse = configResponse(50, {
  enabled: false,
  version: 4,
  killed: true,
  killReason: 'payment errors up 4x (INC-1432)',
});

export const restoreRequest = {
  reason: 'fixed in 2.14.1',
} as const;

export const restoreResponse = configResponse(50, { version: 5 });

/** What GET answers: the configuration after the last step of the story. */
export const currentConfigResponse = restoreResponse;

export const turnOnRequest = { reason: 'launch day' } as const;

export const turnOnResponse = configResponse(50, { version: 6 });

export const turnOffRequest = { reason: 'checkout errors under investigation' } as const;

export const turnOffResponse = configResponse(50, { enabled: false, version: 6 });

/** A kill taken while Postgres was unreachable: SDKs are served it now, the audit follows. */
export const pendingKillResponse = {
  pending: true,
  id: '0b9e4f7c-3a21-4d8e-9c55-2f6a1e7d8b30',
  flag: exampleStory.flag,
  environment: exampleStory.environment,
  acceptedAt: exampleStory.recently,
  revision: 43,
} as const;

/** The same response in production and in staging: what a project-wide kill or restore lists. */
const inEveryEnvironment = <const Config extends object>(config: Config) =>
  ({ items: [config, { ...config, environment: 'staging' }] }) as const;

export const killEverywhereResponse = inEveryEnvironment(killResponse);

export const restoreEverywhereResponse = inEveryEnvironment(restoreResponse);
