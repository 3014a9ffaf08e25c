/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';
import { createUserRequest, createUserResponse, sessionListResponse } from '../users/openapi-examples.js';

const { person } = exampleStory;

export const passwordSignInRequest = { email: person.email, password: createUserRequest.password } as const;

const csrfToken = 'XVyTlAH6cjQQvz_qZk9oQ_pVOkwSEwiP1M56Rermvcs';

export const passwordSignInResponse = {
  user: createUserResponse,
  csrfToken,
  expiresAt: '2026-12-10T15:53:05.789Z',
} as const;

export const setupRequest = {
  token: 'sy_setup_exAMPLE0nly_printed-at-first-start',
  email: person.email,
  password: createUserRequest.password,
  displayName: person.displayName,
} as const;

export const setupResponse = {
  ...passwordSignInResponse,
  user: { ...createUserResponse, instanceRole: 'owner' },
} as const;

export const meResponse = {
  principal: { kind: 'user', id: person.id, display: person.displayName, via: 'session' },
  user: createUserResponse,
  instanceRole: null,
  grants: [{ project: exampleStory.project, role: 'editor' }],
  csrfToken,
} as const;

export const signInMethodsResponse = {
  password: true,
  oidc: { name: 'Sign in with Example SSO', url: '/api/v1/sign-in/oidc' },
} as const;

/** GET /me/sessions: the person's own sessions, the one of this request marked. */
export const mySessionsResponse = {
  sessions: sessionListResponse.sessions.map((session) => ({ ...session, current: true })),
} as const;
