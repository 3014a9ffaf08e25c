/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory, exampleTimestamps } from '../../http/openapi-examples.js';

const { person } = exampleStory;

export const createUserRequest = {
  email: person.email,
  displayName: person.displayName,
  password: 'correct horse battery staple',
  instanceRole: null,
} as const;

export const createUserResponse = { ...person, instanceRole: null, disabled: false, ...exampleTimestamps } as const;

export const userListResponse = { users: [createUserResponse] } as const;

export const updateUserRequest = { instanceRole: 'admin' } as const;

export const updatedUserResponse = { ...createUserResponse, ...updateUserRequest } as const;

export const sessionListResponse = {
  sessions: [
    {
      id: '2d7c9a14-5b3e-4f60-8a1d-9e2f3c4b5a6d',
      method: 'password',
      createdAt: exampleStory.updatedAt,
      lastSeenAt: exampleStory.recently,
      expiresAt: '2026-12-10T15:53:05.789Z',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/146.0',
      ip: '203.0.113.7',
    },
  ],
} as const;

/** Sign-out everywhere, and an admin ending someone's sessions, both answer how many ended. */
export const revokedSessionsResponse = { revokedSessions: 2 } as const;

export const putMemberRequest = { role: 'editor' } as const;

export const memberResponse = { user: createUserResponse, ...putMemberRequest, ...exampleTimestamps } as const;

export const memberListResponse = { members: [memberResponse] } as const;
