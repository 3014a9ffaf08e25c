/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

const { person } = exampleStory;

/** The kill of the examples' story, as the audit log records it. */
const killEvent = {
  id: '1043',
  time: exampleStory.updatedAt,
  actor: person.displayName,
  principal: { kind: 'user', id: person.id, display: person.displayName },
  action: 'flag_config.killed',
  project: exampleStory.project,
  target: { type: 'flag', key: exampleStory.flag },
  environment: exampleStory.environment,
  before: { enabled: true, killed: false, version: 3 },
  after: { enabled: false, killed: true, version: 4 },
  reason: 'payment errors up 4x (INC-1432)',
} as const;

export const auditPageResponse = { items: [killEvent], nextCursor: '1042' } as const;
