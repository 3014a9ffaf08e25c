import { path, request } from './client';
import { setCsrfToken } from './session';

export type InstanceRole = 'owner' | 'admin';
export type ProjectRole = 'viewer' | 'responder' | 'editor' | 'admin';
export const PROJECT_ROLES: ProjectRole[] = ['viewer', 'responder', 'editor', 'admin'];

/** A person (never a password hash). */
export interface User {
  id: string;
  email: string;
  displayName: string;
  instanceRole: InstanceRole | null;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** `GET /me`: who the console acts as, and with which rights. */
export interface Me {
  principal: { kind: 'user' | 'token'; id: string; display: string; via: 'session' | 'pat' | 'token' };
  user: User | null;
  instanceRole: InstanceRole | null;
  grants: { project: string; role: ProjectRole }[];
  csrfToken: string | null;
}

export interface SignInMethods {
  password: boolean;
  oidc: { name: string; url: string } | null;
}

/** Who is signed in (cookie or bearer token); sets the session's CSRF token on the client. */
export async function fetchMe(): Promise<Me> {
  const me = (await request<Me>('GET', '/me')).data;
  setCsrfToken(me.csrfToken);
  return me;
}

export async function signInWithPassword(email: string, password: string): Promise<void> {
  const signedIn = (await request<{ csrfToken: string }>('POST', '/sign-in/password', { body: { email, password } }))
    .data;
  setCsrfToken(signedIn.csrfToken);
}

/** Creates the first owner with the one-time token the server printed, and signs them in. */
export async function setUpFirstOwner(body: {
  token: string;
  email: string;
  password: string;
  displayName: string;
}): Promise<void> {
  const signedIn = (await request<{ csrfToken: string }>('POST', '/setup', { body })).data;
  setCsrfToken(signedIn.csrfToken);
}

export async function signInMethods(): Promise<SignInMethods> {
  return (await request<SignInMethods>('GET', '/sign-in/methods')).data;
}

/** The SSO redirect, coming back to `returnTo` (a path of the console). */
export function ssoUrl(methods: SignInMethods, returnTo: string): string | null {
  return methods.oidc ? `${methods.oidc.url}?returnTo=${encodeURIComponent(returnTo)}` : null;
}

export async function endSession(): Promise<void> {
  await request<null>('POST', '/sign-out');
}

export async function endEverySession(): Promise<number> {
  return (await request<{ revokedSessions: number }>('POST', '/sign-out/everywhere')).data.revokedSessions;
}

export async function listUsers(): Promise<User[]> {
  return (await request<{ users: User[] }>('GET', '/users')).data.users;
}

export async function createUser(body: {
  email: string;
  displayName: string;
  password?: string;
  instanceRole: InstanceRole | null;
}): Promise<User> {
  return (await request<User>('POST', '/users', { body })).data;
}

export async function updateUser(
  id: string,
  body: { displayName?: string; instanceRole?: InstanceRole | null; disabled?: boolean },
): Promise<User> {
  return (await request<User>('PATCH', path`/users/${id}`, { body })).data;
}

export interface Member {
  user: User;
  role: ProjectRole;
}

export async function listMembers(project: string): Promise<Member[]> {
  return (await request<{ members: Member[] }>('GET', path`/projects/${project}/members`)).data.members;
}

export async function putMember(project: string, userId: string, role: ProjectRole): Promise<void> {
  await request('PUT', path`/projects/${project}/members/${userId}`, { body: { role } });
}

export async function removeMember(project: string, userId: string): Promise<void> {
  await request<null>('DELETE', path`/projects/${project}/members/${userId}`);
}

export interface PersonalToken {
  id: string;
  name: string;
  prefix: string;
  project: string | null;
  role: ProjectRole | null;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function listPersonalTokens(): Promise<PersonalToken[]> {
  return (await request<{ tokens: PersonalToken[] }>('GET', '/me/tokens')).data.tokens;
}

export async function createPersonalToken(name: string): Promise<PersonalToken & { secret: string }> {
  return (await request<PersonalToken & { secret: string }>('POST', '/me/tokens', { body: { name } })).data;
}

export async function revokePersonalToken(id: string): Promise<void> {
  await request<null>('DELETE', path`/me/tokens/${id}`);
}

/** A signed-in browser of a person (`GET /me/sessions`); `current` is the one of this request. */
export interface MySession {
  id: string;
  method: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

export async function listMySessions(): Promise<MySession[]> {
  return (await request<{ sessions: MySession[] }>('GET', '/me/sessions')).data.sessions;
}

/** Signs out one of my sessions (another browser); the current one is signed out with endSession. */
export async function endMySession(id: string): Promise<void> {
  await request<null>('DELETE', path`/me/sessions/${id}`);
}

/** A person's active sessions as an admin sees them (`GET /users/:id/sessions`, newest first). */
export type UserSession = Omit<MySession, 'current'>;

export async function listUserSessions(userId: string): Promise<UserSession[]> {
  return (await request<{ sessions: UserSession[] }>('GET', path`/users/${userId}/sessions`)).data.sessions;
}

/** An admin signs a user out everywhere (`DELETE /users/:id/sessions`): how many sessions ended. */
export async function endUserSessions(userId: string): Promise<number> {
  return (await request<{ revokedSessions: number }>('DELETE', path`/users/${userId}/sessions`)).data.revokedSessions;
}
