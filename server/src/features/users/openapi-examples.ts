/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

export const createUserRequest = {
  email: 'ada@example.com',
  displayName: 'Ada Lovelace',
  password: 'correct horse battery staple',
  instanceRole: null,
} as const;

export const createUserResponse = {
  id: '8b6f3e2a-1c4d-4e5f-9a0b-7c8d9e0f1a2b',
  email: 'ada@example.com',
  displayName: 'Ada Lovelace',
  instanceRole: null,
  disabled: false,
  createdAt: '2026-12-03T15:53:06.364Z',
  updatedAt: '2026-12-03T15:53:06.364Z',
} as const;
