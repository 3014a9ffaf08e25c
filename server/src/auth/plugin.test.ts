import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../http/errors.js';
import type { Authenticator, Credential } from './authenticator.js';
import { CSRF_HEADER, registerAuth, SESSION_COOKIE } from './plugin.js';
import type { Principal } from './principal.js';

/**
 * The plugin's side of the accounts contract, with an authenticator of the test's own (the real
 * session authenticator lives in features/sign-in): the session cookie, CSRF on unsafe methods,
 * a bearer header winning over the cookie, authenticators asked in turn.
 */

const CSRF = 'csrf-token-of-the-session';
const sessionUser: Principal = {
  kind: 'user',
  id: 'u1',
  display: 'Ada',
  via: 'session',
  sessionId: 's1',
  csrfToken: CSRF,
  instanceRole: 'admin',
  grants: [],
};
const bearerUser: Principal = { ...sessionUser, via: 'pat', tokenId: 'p1', csrfToken: undefined, sessionId: undefined };

/** Knows one session secret and one bearer secret; null for everything else. */
class OneOfEach implements Authenticator {
  readonly asked: Credential[] = [];
  async authenticate(credential: Credential): Promise<Principal | null> {
    this.asked.push(credential);
    if (credential.type === 'session' && credential.secret === 'good-session') return sessionUser;
    if (credential.type === 'bearer' && credential.secret === 'good-pat') return bearerUser;
    return null;
  }
}

/** Answers null to everything: the plugin must go on to the next authenticator. */
const nobody: Authenticator = { authenticate: async () => null };

let app: FastifyInstance;
const authenticator = new OneOfEach();

beforeAll(async () => {
  app = Fastify();
  installErrorHandlers(app);
  await app.register(cookie, { hook: 'onRequest' });
  await app.register(async (scope) => {
    registerAuth(scope, { authenticators: [nobody, authenticator] });
    scope.get('/me', { config: { access: 'authenticated' } }, async (request) => ({
      via: request.principal?.kind === 'user' ? request.principal.via : null,
    }));
    scope.post('/things', { config: { access: 'authenticated' } }, async () => ({ ok: true }));
    scope.get('/sdk', { config: { access: 'sdk' } }, async () => ({ ok: true }));
  });
  await app.ready();
});
afterAll(() => app?.close());

const session = (value = 'good-session') => ({ cookie: `${SESSION_COOKIE}=${value}` });

describe('auth plugin: sessions and CSRF', () => {
  it('authenticates a safe request by the session cookie alone', async () => {
    const response = await app.inject({ method: 'GET', url: '/me', headers: session() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ via: 'session' });
  });

  it('refuses an unsafe cookie-authenticated request without the CSRF token, or with a wrong one', async () => {
    const missing = await app.inject({ method: 'POST', url: '/things', headers: session() });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining(CSRF_HEADER) });
    for (const wrong of ['nope', `${CSRF}x`, CSRF.slice(1), '']) {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        headers: { ...session(), [CSRF_HEADER]: wrong },
      });
      expect(response.statusCode, wrong).toBe(403);
    }
    const right = await app.inject({ method: 'POST', url: '/things', headers: { ...session(), [CSRF_HEADER]: CSRF } });
    expect(right.statusCode).toBe(200);
  });

  it('needs no CSRF token with a bearer credential, which wins over a cookie', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { ...session('unknown-session'), authorization: 'Bearer good-pat' },
    });
    expect(response.statusCode).toBe(200);
    const me = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { ...session(), authorization: 'Bearer good-pat' },
    });
    expect(me.json()).toEqual({ via: 'pat' });
  });

  it('answers 401 for an unknown session, after asking every authenticator', async () => {
    authenticator.asked.length = 0;
    const response = await app.inject({ method: 'GET', url: '/me', headers: session('forged') });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthorized', message: 'Unknown or expired session' });
    expect(authenticator.asked).toEqual([{ type: 'session', secret: 'forged' }]);
  });

  it('keeps people off SDK endpoints', async () => {
    const response = await app.inject({ method: 'GET', url: '/sdk', headers: session() });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toMatch(/server or client token/);
  });
});
