import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.js';
import { openDatabase, type Database } from '../../db/index.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { SESSION_COOKIE } from './session-secret.js';

/**
 * Sign-in, sessions, CSRF and the users API over HTTP, on real Postgres; a second replica (another
 * app on the same database) where a change must be seen everywhere at once.
 */

let t: TestApp;
let replica: { app: App; db: Database };
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestApp({ scryptLogN: 10, signInAccountLimit: 4, signInIpLimit: 1_000 });
  const url = (await t.db.prisma.$queryRaw<{ url: string }[]>`SELECT current_database() AS url`)[0]!.url;
  const databaseUrl = new URL(t.config.databaseUrl!);
  databaseUrl.pathname = `/${url}`;
  const db = await openDatabase({ databaseUrl: databaseUrl.toString(), dataDir: t.config.dataDir });
  const app = await buildApp({ db, config: t.config, logger: false });
  await app.ready();
  replica = { app, db };
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
});
afterAll(async () => {
  await replica?.app.close();
  await replica?.db.close();
  await t?.close();
});

interface Session {
  cookie: string;
  csrf: string;
}

async function createUser(email: string, extra: Record<string, unknown> = {}) {
  const response = await t.api('POST', '/users', {
    email,
    displayName: email.split('@')[0],
    password: PASSWORD,
    ...extra,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; email: string };
}

async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}, app: App = t.app) {
  return app.inject({ method: 'POST', url: '/api/v1/sign-in/password', payload: { email, password }, headers });
}

function sessionOf(response: Awaited<ReturnType<typeof signIn>>): Session {
  expect(response.statusCode, response.body).toBe(200);
  const setCookie = String(response.headers['set-cookie']);
  const value = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(setCookie)![1]!;
  return { cookie: `${SESSION_COOKIE}=${value}`, csrf: response.json<{ csrfToken: string }>().csrfToken };
}

async function as(
  session: Session | { cookie: string; csrf?: string },
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  app: App = t.app,
) {
  const response = await app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { cookie: session.cookie, ...(session.csrf ? { 'x-csrf-token': session.csrf } : {}) },
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers };
}

const countUsers = () => t.db.prisma.user.count();
/** Every personal token secret made here (none may reach the audit log). */
const patSecrets: string[] = [];

describe('password sign-in over HTTP', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie, returns the CSRF token, and /me answers', async () => {
    const user = await createUser('ada@example.com', { instanceRole: 'admin' });
    const response = await signIn('ada@example.com');
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[\\w-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60479\\d; Secure$`),
    );
    // Secure by default outside embedded mode and http://localhost (config.test.ts); off when configured so.
    expect(t.config.cookieSecure).toBe(true);
    expect(response.headers['cache-control']).toBe('no-store');
    const session = sessionOf(response);
    const me = await as(session, 'GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      principal: { kind: 'user', id: user.id, via: 'session' },
      user: { email: 'ada@example.com' },
      instanceRole: 'admin',
      csrfToken: session.csrf,
    });
  });

  it('unknown email and wrong password: the same 401 body', async () => {
    await createUser('grace@example.com');
    const unknown = await signIn('nobody@example.com');
    const wrong = await signIn('grace@example.com', 'not the password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(unknown.headers['set-cookie']).toBeUndefined();
  });

  it('malformed emails and 10 KB passwords: a clear 400, nothing written', async () => {
    const before = await countUsers();
    for (const email of ['not-an-email', 'a@', '@b.c', 'two@@example.com', '', 'x'.repeat(300) + '@example.com']) {
      const response = await t.api('POST', '/users', { email, displayName: 'X', password: PASSWORD });
      expect(response.status, email).toBe(400);
      expect(response.body.error).toBe('bad_request');
      expect((await signIn(email)).statusCode).toBe(400);
    }
    const huge = 'p'.repeat(10 * 1024);
    const created = await t.api('POST', '/users', { email: 'huge@example.com', displayName: 'Huge', password: huge });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).not.toContain(huge.slice(0, 100));
    expect((await signIn('grace@example.com', huge)).statusCode).toBe(400);
    expect(await countUsers()).toBe(before);
  });

  it('emails are one address whatever their case, width or form', async () => {
    const user = await createUser('  ＬＩＮ@Example.ORG ');
    expect(user.email).toBe('lin@example.org');
    const again = await t.api('POST', '/users', { email: 'Lin@example.org', displayName: 'Lin 2', password: PASSWORD });
    expect(again.status).toBe(409);
    sessionOf(await signIn('LIN@EXAMPLE.ORG'));
  });

  it('forged, malformed and replayed (signed-out) cookies are refused', async () => {
    await createUser('replay@example.com');
    for (const cookie of [`${SESSION_COOKIE}=${'A'.repeat(43)}`, `${SESSION_COOKIE}=garbage`, `${SESSION_COOKIE}=`]) {
      expect((await as({ cookie }, 'GET', '/me')).status).toBe(401);
    }
    const session = sessionOf(await signIn('replay@example.com'));
    const out = await as(session, 'POST', '/sign-out');
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await as(session, 'GET', '/me')).status).toBe(401);
    expect((await as(session, 'GET', '/me', undefined, replica.app)).status).toBe(401);
  });

  it('session fixation: a cookie presented at sign-in is never adopted', async () => {
    await createUser('victim@example.com');
    await createUser('attacker@example.com');
    const attacker = sessionOf(await signIn('attacker@example.com'));
    const planted = `${SESSION_COOKIE}=${'B'.repeat(43)}`;
    for (const cookie of [attacker.cookie, planted]) {
      const victim = sessionOf(await signIn('victim@example.com', PASSWORD, { cookie }));
      expect(victim.cookie).not.toBe(cookie);
      expect((await as(victim, 'GET', '/me')).body.user.email).toBe('victim@example.com');
    }
    // The attacker's cookie is still the attacker's; the planted one is still nobody's.
    expect((await as(attacker, 'GET', '/me')).body.user.email).toBe('attacker@example.com');
    expect((await as({ cookie: planted }, 'GET', '/me')).status).toBe(401);
  });

  it('CSRF: a cookie-authenticated write without the token, or with a wrong one, is 403 and writes nothing', async () => {
    const session = sessionOf(await signIn('ada@example.com'));
    const before = await countUsers();
    const body = { email: 'csrf@example.com', displayName: 'CSRF', password: PASSWORD };
    expect((await as({ cookie: session.cookie }, 'POST', '/users', body)).status).toBe(403);
    expect((await as({ cookie: session.cookie, csrf: 'x'.repeat(43) }, 'POST', '/users', body)).status).toBe(403);
    const other = sessionOf(await signIn('grace@example.com'));
    expect((await as({ cookie: session.cookie, csrf: other.csrf }, 'POST', '/users', body)).status).toBe(403);
    expect(await countUsers()).toBe(before);
    expect((await as(session, 'POST', '/users', body)).status).toBe(201);
  });

  it('expired sessions (idle and absolute) are refused', async () => {
    await createUser('expiry@example.com');
    const idle = sessionOf(await signIn('expiry@example.com'));
    const old = sessionOf(await signIn('expiry@example.com'));
    const [idleRow, oldRow] = await t.db.prisma.userSession.findMany({
      where: { user: { email: 'expiry@example.com' } },
      orderBy: { createdAt: 'asc' },
    });
    // Time passes for them (the rows move back; no sleeping).
    await t.db.prisma.userSession.update({
      where: { id: idleRow!.id },
      data: { lastSeenAt: new Date(Date.now() - t.config.sessionIdleTimeoutMs - 1_000) },
    });
    await t.db.prisma.userSession.update({
      where: { id: oldRow!.id },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    expect((await as(idle, 'GET', '/me')).status).toBe(401);
    expect((await as(old, 'GET', '/me')).status).toBe(401);
  });

  it('too many failures for one account: 429 with Retry-After, even with the right password', async () => {
    await createUser('limited@example.com');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn('limited@example.com', `guess number ${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const right = await signIn('limited@example.com');
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.headers['set-cookie']).toBeUndefined();
  });
});

describe('users, members and sessions over HTTP', () => {
  it('disabling a user and signing out everywhere take effect on both replicas at once', async () => {
    const user = await createUser('two-replicas@example.com');
    const onA = sessionOf(await signIn('two-replicas@example.com'));
    const onB = sessionOf(await signIn('two-replicas@example.com', PASSWORD, {}, replica.app));
    for (const session of [onA, onB]) {
      for (const app of [t.app, replica.app])
        expect((await as(session, 'GET', '/me', undefined, app)).status).toBe(200);
    }
    expect((await t.api('GET', `/users/${user.id}/sessions`)).body.sessions).toHaveLength(2);
    const everywhere = await t.api('DELETE', `/users/${user.id}/sessions`);
    expect(everywhere.body).toEqual({ revokedSessions: 2 });
    for (const session of [onA, onB]) {
      for (const app of [t.app, replica.app])
        expect((await as(session, 'GET', '/me', undefined, app)).status).toBe(401);
    }
    const again = sessionOf(await signIn('two-replicas@example.com', PASSWORD, {}, replica.app));
    expect((await t.api('PATCH', `/users/${user.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await as(again, 'GET', '/me', undefined, replica.app)).status).toBe(401);
    expect((await signIn('two-replicas@example.com', PASSWORD, {}, replica.app)).statusCode).toBe(401);
  });

  it('a person signs themselves out everywhere: every session ends on both replicas, CSRF required', async () => {
    await createUser('everywhere@example.com');
    const onA = sessionOf(await signIn('everywhere@example.com'));
    const onB = sessionOf(await signIn('everywhere@example.com', PASSWORD, {}, replica.app));
    const other = await createUser('bystander@example.com');
    const bystander = sessionOf(await signIn('bystander@example.com'));
    // Without the CSRF token: refused, nothing ended.
    expect((await as({ cookie: onB.cookie }, 'POST', '/sign-out/everywhere', undefined, replica.app)).status).toBe(403);
    expect((await as(onA, 'GET', '/me')).status).toBe(200);
    const response = await as(onB, 'POST', '/sign-out/everywhere', undefined, replica.app);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revokedSessions: 2 });
    expect(String(response.headers['set-cookie'])).toMatch(/switchyard_session=;/);
    for (const session of [onA, onB]) {
      for (const app of [t.app, replica.app])
        expect((await as(session, 'GET', '/me', undefined, app)).status).toBe(401);
    }
    // Another person's session is untouched; an API token has no sessions to end.
    expect((await as(bystander, 'GET', '/me')).status).toBe(200);
    expect((await t.api('GET', `/users/${other.id}/sessions`)).body.sessions).toHaveLength(1);
    expect((await t.api('POST', '/sign-out/everywhere')).status).toBe(400);
  });

  it('owners only manage owners; the last owner can be neither demoted nor disabled', async () => {
    const admin = sessionOf(await signIn('ada@example.com')); // instance admin
    const owner = await createUser('owner@example.com', { instanceRole: 'owner' });
    expect((await as(admin, 'PATCH', `/users/${owner.id}`, { disabled: true })).status).toBe(403);
    expect(
      (
        await as(admin, 'POST', '/users', {
          email: 'o2@example.com',
          displayName: 'O2',
          password: PASSWORD,
          instanceRole: 'owner',
        })
      ).status,
    ).toBe(403);
    const ownerSession = sessionOf(await signIn('owner@example.com'));
    // The bootstrap admin token is an owner too; the one owner *user* can still not remove themselves.
    expect((await as(ownerSession, 'PATCH', `/users/${owner.id}`, { instanceRole: 'admin' })).status).toBe(409);
    expect((await as(ownerSession, 'PATCH', `/users/${owner.id}`, { disabled: true })).status).toBe(409);
    const second = await createUser('owner2@example.com', { instanceRole: 'owner' });
    expect((await as(ownerSession, 'PATCH', `/users/${second.id}`, { instanceRole: 'admin' })).status).toBe(200);
    const roles = (
      await t.db.prisma.auditEvent.findMany({ where: { action: 'user.role_changed', targetKey: second.id } })
    ).map((row) => row.actorId);
    expect(roles).toEqual([owner.id]);
  });

  it('project members: roles apply at the next request; a viewer changes nothing', async () => {
    const user = await createUser('member@example.com');
    const session = sessionOf(await signIn('member@example.com'));
    expect((await as(session, 'GET', '/projects/shop/members')).status).toBe(403);
    expect((await t.api('PUT', `/projects/shop/members/${user.id}`, { role: 'viewer' })).status).toBe(200);
    const members = await as(session, 'GET', '/projects/shop/members');
    expect(members.status).toBe(200);
    expect(members.body.members.map((member: { user: { email: string } }) => member.user.email)).toContain(
      'member@example.com',
    );
    expect((await as(session, 'PUT', `/projects/shop/members/${user.id}`, { role: 'admin' })).status).toBe(403);
    expect((await t.api('PUT', `/projects/shop/members/${user.id}`, { role: 'admin' })).status).toBe(200);
    expect((await as(session, 'PUT', `/projects/shop/members/${user.id}`, { role: 'editor' })).status).toBe(200);
    expect((await t.api('DELETE', `/projects/shop/members/${user.id}`)).status).toBe(204);
    expect((await as(session, 'GET', '/projects/shop/members')).status).toBe(403);
    expect(
      (await t.api('PUT', `/projects/shop/members/00000000-0000-4000-8000-000000000000`, { role: 'viewer' })).status,
    ).toBe(404);
    const actions = (
      await t.db.prisma.auditEvent.findMany({
        where: { targetType: 'member', targetKey: user.id },
        orderBy: { id: 'asc' },
      })
    ).map((row) => row.action);
    expect(actions).toEqual(['member.added', 'member.role_changed', 'member.role_changed', 'member.removed']);
  });

  it("personal access tokens: created from a session, capped, never more than the user's rights", async () => {
    const user = await createUser('cli@example.com');
    await t.api('PUT', `/projects/shop/members/${user.id}`, { role: 'admin' });
    const session = sessionOf(await signIn('cli@example.com'));
    const full = await as(session, 'POST', '/me/tokens', { name: 'full' });
    const viewer = await as(session, 'POST', '/me/tokens', { name: 'read only', project: 'shop', role: 'viewer' });
    expect(full.status).toBe(201);
    expect(viewer.body.secret).toMatch(/^sy_pat_/);
    patSecrets.push(full.body.secret, viewer.body.secret);
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const call = (secret: string, method: 'GET' | 'PUT', url: string, payload?: object) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(secret), ...(payload ? { payload } : {}) });
    expect((await call(viewer.body.secret, 'GET', '/projects/shop/members')).statusCode).toBe(200);
    expect(
      (await call(viewer.body.secret, 'PUT', `/projects/shop/members/${user.id}`, { role: 'admin' })).statusCode,
    ).toBe(403);
    expect(
      (await call(full.body.secret, 'PUT', `/projects/shop/members/${user.id}`, { role: 'admin' })).statusCode,
    ).toBe(200);
    // A token cannot mint tokens; listing never shows secrets.
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/tokens',
          headers: bearer(full.body.secret),
          payload: { name: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    const list = await as(session, 'GET', '/me/tokens');
    expect(JSON.stringify(list.body)).not.toContain(full.body.secret);
    // The user loses the role: so does the token, at once.
    await t.api('DELETE', `/projects/shop/members/${user.id}`);
    expect((await call(full.body.secret, 'GET', '/projects/shop/members')).statusCode).toBe(403);
    expect((await as(session, 'DELETE', `/me/tokens/${full.body.id}`)).status).toBe(204);
    expect((await call(full.body.secret, 'GET', '/me')).statusCode).toBe(401);
  });

  it('never writes a password or secret into the audit log', async () => {
    const rows = await t.db.prisma.auditEvent.findMany();
    const text = JSON.stringify(rows.map((row) => ({ ...row, id: String(row.id) })));
    expect(text).not.toContain(PASSWORD);
    expect(patSecrets.length).toBeGreaterThan(0);
    for (const secret of patSecrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('scrypt$');
  });
});

describe('first run over HTTP', () => {
  it('POST /setup creates the owner once and signs them in', async () => {
    const fresh = await createTestApp({ scryptLogN: 10 });
    try {
      const { ensureSetupToken } = await import('../users/setup.js');
      const token = (await ensureSetupToken({ prisma: fresh.db.prisma, notifier: fresh.app.changes }))!;
      const body = { token, email: 'First@Example.com', password: PASSWORD, displayName: 'First' };
      const created = await fresh.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ user: { email: 'first@example.com', instanceRole: 'owner' } });
      expect(String(created.headers['set-cookie'])).toContain(`${SESSION_COOKIE}=`);
      const again = await fresh.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { ...body, email: 'b@example.com' },
      });
      expect(again.statusCode).toBe(410);
      const wrong = await fresh.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { ...body, token: 'sy_setup_nope' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(await fresh.db.prisma.user.count()).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
