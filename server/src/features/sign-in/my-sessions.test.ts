import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { SESSION_COOKIE } from './session-secret.js';

/** /me/sessions over HTTP on real Postgres: a person lists their sessions and signs one out. */
let t: TestApp;
const PASSWORD = 'correct horse battery';

interface Session {
  cookie: string;
  csrf: string;
}
interface Listed {
  id: string;
  current: boolean;
  method: string;
  userAgent: string | null;
}

beforeAll(async () => {
  t = await createTestApp({ scryptLogN: 10 });
});
afterAll(async () => t?.close());

async function createUser(email: string): Promise<{ id: string }> {
  const response = await t.api('POST', '/users', { email, displayName: email.split('@')[0], password: PASSWORD });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string };
}

async function signIn(email: string, userAgent: string): Promise<Session> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sign-in/password',
    payload: { email, password: PASSWORD },
    headers: { 'user-agent': userAgent },
  });
  expect(response.statusCode, response.body).toBe(200);
  const value = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(String(response.headers['set-cookie']))![1]!;
  return { cookie: `${SESSION_COOKIE}=${value}`, csrf: response.json<{ csrfToken: string }>().csrfToken };
}

async function as(session: Partial<Session>, method: 'GET' | 'DELETE', url: string) {
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: {
      ...(session.cookie ? { cookie: session.cookie } : {}),
      ...(session.csrf ? { 'x-csrf-token': session.csrf } : {}),
    },
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers };
}

const mine = async (session: Session) => (await as(session, 'GET', '/me/sessions')).body.sessions as Listed[];

describe('my sessions (/me/sessions)', () => {
  it('lists my active sessions with the current one marked, never a secret', async () => {
    await createUser('lister@example.com');
    const laptop = await signIn('lister@example.com', 'Laptop browser');
    const phone = await signIn('lister@example.com', 'Phone browser');
    const listed = await as(laptop, 'GET', '/me/sessions');
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions as Listed[];
    expect(sessions.map((s) => [s.userAgent, s.current, s.method])).toEqual([
      ['Phone browser', false, 'password'],
      ['Laptop browser', true, 'password'],
    ]);
    const text = JSON.stringify(listed.body);
    for (const session of [laptop, phone]) expect(text).not.toContain(session.cookie.split('=')[1]);
    expect((await mine(phone)).find((s) => s.current)?.userAgent).toBe('Phone browser');
  });

  it('signs out another of my sessions (audited), and the current one with its cookie cleared', async () => {
    await createUser('leaver@example.com');
    const laptop = await signIn('leaver@example.com', 'Laptop');
    const phone = await signIn('leaver@example.com', 'Phone');
    const phoneId = (await mine(laptop)).find((s) => !s.current)!.id;
    const ended = await as(laptop, 'DELETE', `/me/sessions/${phoneId}`);
    expect(ended.status).toBe(204);
    expect(ended.headers['set-cookie']).toBeUndefined();
    expect((await as(phone, 'GET', '/me')).status).toBe(401);
    expect((await as(laptop, 'GET', '/me')).status).toBe(200);
    const audit = await t.api('GET', '/audit?action=session.revoked');
    expect(JSON.stringify(audit.body)).toContain(phoneId);
    // Again: no longer an active session of mine.
    expect((await as(laptop, 'DELETE', `/me/sessions/${phoneId}`)).status).toBe(404);

    const laptopId = (await mine(laptop))[0]!.id;
    const self = await as(laptop, 'DELETE', `/me/sessions/${laptopId}`);
    expect(self.status).toBe(204);
    expect(String(self.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect((await as(laptop, 'GET', '/me')).status).toBe(401);
  });

  it("refuses another person's session (404, untouched), unknown and malformed ids, writes without CSRF, API tokens", async () => {
    await createUser('careful@example.com');
    await createUser('victim@example.com');
    const careful = await signIn('careful@example.com', 'A');
    const victim = await signIn('victim@example.com', 'B');
    const victimId = (await mine(victim))[0]!.id;
    expect((await as(careful, 'DELETE', `/me/sessions/${victimId}`)).status).toBe(404);
    expect((await as(victim, 'GET', '/me')).status).toBe(200);
    expect((await as(careful, 'DELETE', '/me/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await as(careful, 'DELETE', '/me/sessions/not-a-uuid')).status).toBe(400);
    const carefulId = (await mine(careful))[0]!.id;
    expect((await as({ cookie: careful.cookie }, 'DELETE', `/me/sessions/${carefulId}`)).status).toBe(403);
    expect((await as(careful, 'GET', '/me')).status).toBe(200);
    // API tokens are not people.
    expect((await t.api('GET', '/me/sessions')).status).toBe(403);
    expect((await t.api('DELETE', `/me/sessions/${carefulId}`)).status).toBe(403);
    expect((await as(careful, 'GET', '/me')).status).toBe(200);
  });
});
