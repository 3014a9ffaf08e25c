/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

const { person } = exampleStory;

export const createScheduleRequest = {
  environment: exampleStory.environment,
  at: '2026-12-04T08:00:00.000Z',
  change: { kind: 'percent', ruleId: 'beta-users', percent: 100 },
  reason: 'full rollout on Friday morning',
} as const;

export const scheduleResponse = {
  id: '6b2c4d8e-1f3a-4b5c-9d7e-0a1b2c3d4e5f',
  flag: exampleStory.flag,
  ...createScheduleRequest,
  state: 'pending',
  createdBy: { kind: 'user', id: person.id, display: person.displayName },
  auditEventId: null,
  error: null,
  createdAt: exampleStory.updatedAt,
  finishedAt: null,
} as const;

export const cancelledScheduleResponse = {
  ...scheduleResponse,
  state: 'cancelled',
  finishedAt: exampleStory.recently,
} as const;

export const scheduleListResponse = { items: [scheduleResponse] } as const;
