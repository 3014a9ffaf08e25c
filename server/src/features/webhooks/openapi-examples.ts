/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory, exampleTimestamps } from '../../http/openapi-examples.js';

export const createWebhookRequest = {
  name: 'incident channel',
  url: 'https://hooks.example.com/switchyard',
  format: 'json',
  project: exampleStory.project,
  environments: [exampleStory.environment],
  events: ['flag_config.killed', 'flag_config.restored'],
  enabled: true,
} as const;

const secret = 'whsec_exAMPLE0nly_not-a-real-secret_shown-once';

export const webhookResponse = {
  id: '3c8d1e6f-9a2b-4c7d-8e5f-6a1b2c3d4e5f',
  ...createWebhookRequest,
  secretPrefix: secret.slice(0, 10),
  ...exampleTimestamps,
} as const;

export const createdWebhookResponse = { ...webhookResponse, secret } as const;

export const updateWebhookRequest = { events: ['flag_config.*'] } as const;

export const updatedWebhookResponse = { ...webhookResponse, ...updateWebhookRequest } as const;

export const webhookListResponse = { items: [webhookResponse] } as const;

/** The delivery of the story's kill: it failed once, and was delivered again on request. */
const failedDelivery = {
  id: '9e1f2a3b-4c5d-4e6f-8a7b-0c1d2e3f4a5b',
  eventType: 'flag_config.killed',
  auditEventId: '1043',
  state: 'failed',
  attempts: 5,
  responseStatus: 502,
  durationMs: 212,
  error: 'HTTP 502 Bad Gateway',
  redeliveryOf: null,
  createdAt: exampleStory.updatedAt,
  lastAttemptAt: exampleStory.recently,
} as const;

export const redeliveryResponse = {
  ...failedDelivery,
  id: 'a4b5c6d7-e8f9-4a0b-9c1d-2e3f4a5b6c7d',
  state: 'pending',
  attempts: 0,
  responseStatus: null,
  durationMs: null,
  error: null,
  redeliveryOf: failedDelivery.id,
  createdAt: exampleStory.recently,
  lastAttemptAt: null,
} as const;

export const deliveryListResponse = { items: [redeliveryResponse, failedDelivery] } as const;
