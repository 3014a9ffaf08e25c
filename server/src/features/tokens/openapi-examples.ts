/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

export const createTokenRequest = {
  name: 'checkout-service (production)',
  kind: 'server',
  project: exampleStory.project,
  environment: exampleStory.environment,
} as const;

const serverToken = {
  id: '5f0c1a52-6d1e-4c54-9a43-0c1f6b2d7e10',
  ...createTokenRequest,
  prefix: 'sy_server_ex',
  createdAt: exampleStory.createdAt,
  lastUsedAt: null,
  revokedAt: null,
  role: null,
  instanceRole: null,
  expiresAt: null,
} as const;

export const createTokenResponse = {
  ...serverToken,
  secret: 'sy_server_exAMPLE0nly_not-a-real-secret_shown-once00',
} as const;

export const tokenListResponse = { tokens: [{ ...serverToken, lastUsedAt: exampleStory.recently }] } as const;
