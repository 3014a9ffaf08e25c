/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

export const createTokenRequest = {
  name: 'checkout-service (production)',
  kind: 'server',
  project: 'shop',
  environment: 'production',
} as const;

export const createTokenResponse = {
  id: '5f0c1a52-6d1e-4c54-9a43-0c1f6b2d7e10',
  name: 'checkout-service (production)',
  kind: 'server',
  prefix: 'sy_server_ex',
  project: 'shop',
  environment: 'production',
  createdAt: '2026-12-03T15:53:06.117Z',
  lastUsedAt: null,
  revokedAt: null,
  role: null,
  instanceRole: null,
  expiresAt: null,
  secret: 'sy_server_exAMPLE0nly_not-a-real-secret_shown-once00',
} as const;
