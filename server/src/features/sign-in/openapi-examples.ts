/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

export const passwordSignInRequest = {
  email: 'ada@example.com',
  password: 'correct horse battery staple',
} as const;

export const passwordSignInResponse = {
  user: {
    id: '8b6f3e2a-1c4d-4e5f-9a0b-7c8d9e0f1a2b',
    email: 'ada@example.com',
    displayName: 'Ada Lovelace',
    instanceRole: null,
    disabled: false,
    createdAt: '2026-12-03T15:53:06.364Z',
    updatedAt: '2026-12-03T15:53:06.364Z',
  },
  csrfToken: 'XVyTlAH6cjQQvz_qZk9oQ_pVOkwSEwiP1M56Rermvcs',
  expiresAt: '2026-12-10T15:53:06.547Z',
} as const;
