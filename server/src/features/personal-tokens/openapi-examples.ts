/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

export const createPersonalTokenRequest = {
  name: 'laptop CLI',
  expiresAt: '2027-03-01T00:00:00.000Z',
  project: exampleStory.project,
  role: 'responder',
} as const;

const secret = 'sy_pat_exAMPLE0nly_not-a-real-secret_shown-once0000';

const personalToken = {
  id: '7a3e5c91-0f2b-4d6a-8e4c-1b9d7f3a5c20',
  ...createPersonalTokenRequest,
  prefix: secret.slice(0, 'sy_pat_'.length + 4),
  createdAt: exampleStory.updatedAt,
  lastUsedAt: null,
} as const;

export const createPersonalTokenResponse = { ...personalToken, secret } as const;

export const personalTokenListResponse = { tokens: [{ ...personalToken, lastUsedAt: exampleStory.recently }] } as const;
