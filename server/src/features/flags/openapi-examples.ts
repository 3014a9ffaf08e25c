/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

export const createFlagRequest = {
  key: 'new-checkout',
  name: 'New checkout',
  description: 'The one-page checkout',
  type: 'boolean',
  tags: ['payments'],
} as const;

export const createFlagResponse = {
  key: 'new-checkout',
  name: 'New checkout',
  description: 'The one-page checkout',
  type: 'boolean',
  variants: [
    {
      key: 'on',
      value: true,
    },
    {
      key: 'off',
      value: false,
    },
  ],
  tags: ['payments'],
  clientSide: false,
  salt: null,
  archived: false,
  archivedAt: null,
  createdAt: '2026-12-03T15:53:05.789Z',
  updatedAt: '2026-12-03T15:53:05.789Z',
} as const;
