/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

const { flag, environment } = exampleStory;

export const createTriggerRequest = {
  name: 'alertmanager: checkout error rate',
  flag,
  environment,
  restoreOnResolve: true,
} as const;

const secret = 'sy_trigger_exAMPLE0nly_not-a-real-secret_shown-once';

const trigger = {
  id: '1f2e3d4c-5b6a-4798-8a6b-5c4d3e2f1a0b',
  ...createTriggerRequest,
  project: exampleStory.project,
  prefix: secret.slice(0, 'sy_trigger_'.length + 4),
  createdAt: exampleStory.createdAt,
  lastTriggeredAt: null,
  revokedAt: null,
} as const;

export const createdTriggerResponse = { ...trigger, secret, path: `/api/v1/triggers/incoming/${secret}` } as const;

export const triggerListResponse = { triggers: [{ ...trigger, lastTriggeredAt: exampleStory.updatedAt }] } as const;

/** Alertmanager's webhook (payload version 4) when the checkout alert fires: the trigger kills the flag. */
export const alertmanagerFiringRequest = {
  version: '4',
  groupKey: '{}:{alertname="CheckoutErrorRate"}',
  status: 'firing',
  receiver: 'switchyard',
  groupLabels: { alertname: 'CheckoutErrorRate' },
  commonLabels: { alertname: 'CheckoutErrorRate', severity: 'page' },
  commonAnnotations: { summary: 'Checkout errors above 2% for 5 minutes' },
  externalURL: 'https://alertmanager.example.com',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'CheckoutErrorRate', severity: 'page' },
      annotations: { summary: 'Checkout errors above 2% for 5 minutes' },
      startsAt: exampleStory.updatedAt,
    },
  ],
} as const;

const outcome = (name: 'killed' | 'kill_pending') =>
  ({ outcome: name, trigger: trigger.id, flag, environment }) as const;

export const killedOutcomeResponse = outcome('killed');

export const pendingKillOutcomeResponse = outcome('kill_pending');
