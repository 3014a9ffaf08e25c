import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { registerAuth } from '../../auth/plugin.js';
import { installErrorHandlers } from '../../http/errors.js';
import { ensureAdminToken } from './bootstrap.js';
import { hashTokenSecret } from './token-secret.js';

interface TokenBody {
  id: string;
  name: string;
  kind: string;
  prefix: string;
  project: string | null;
  environment: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  secret?: string;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: t.adminHeaders,
    payload: { key: 'shop', name: 'Shop' },
  });
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/projects/shop/environments',
    headers: t.adminHeaders,
    payload: { key: 'prod', name: 'Production' },
  });
});
afterAll(() => t?.close());

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function createToken(payload: Record<string, unknown>): Promise<TokenBody> {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.adminHeaders, payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TokenBody>();
}

async function listTokens(query = ''): Promise<TokenBody[]> {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/tokens${query}`, headers: t.adminHeaders });
  expect(response.statusCode).toBe(200);
  return response.json<{ tokens: TokenBody[] }>().tokens;
}

describe('POST /api/v1/tokens', () => {
  it('creates a server token bound to an environment and returns its secret once', async () => {
    const token = await createToken({ name: 'checkout-service', kind: 'server', project: 'shop', environment: 'prod' });
    expect(token.secret).toMatch(/^sy_server_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'checkout-service', kind: 'server', project: 'shop', environment: 'prod' });
    expect(token.prefix).toBe(token.secret!.slice(0, 12));

    // Only the hash is stored.
    const row = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.hash).toBe(hashTokenSecret(token.secret!));
    expect(JSON.stringify(row)).not.toContain(token.secret!);

    // Listings never show the secret or the hash.
    const listed = (await listTokens()).find((entry) => entry.id === token.id);
    expect(listed).toMatchObject({ name: 'checkout-service', kind: 'server', prefix: token.prefix });
    expect(listed).not.toHaveProperty('secret');
    expect(listed).not.toHaveProperty('hash');
  });

  it('creates admin tokens that work at once, and audits every creation', async () => {
    const token = await createToken({ name: 'ci', kind: 'admin' });
    expect(token.secret).toMatch(/^sy_admin_/);
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/projects', headers: bearer(token.secret!) });
    expect(response.statusCode).toBe(200);
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'token.created', targetKey: token.id },
    });
    expect(audit.actor).toBe('admin (generated)');
    expect(JSON.stringify(audit.after)).not.toContain(token.secret!);
  });

  it.each([
    [{ name: 'x', kind: 'server' }, ['body.project', 'body.environment']],
    [{ name: 'x', kind: 'client', project: 'shop' }, ['body.environment']],
    [{ name: 'x', kind: 'admin', project: 'shop' }, ['body.role']], // a project-scoped admin token needs its role
    [{ name: '', kind: 'admin' }, ['body.name']],
    [{ name: 'x', kind: 'root' }, ['body.kind']],
  ])('refuses %j with 400 naming %j', async (payload, paths) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.adminHeaders, payload });
    expect(response.statusCode).toBe(400);
    const issues = response.json<{ details: { issues: { path: string }[] } }>().details.issues;
    expect(issues.map((issue) => issue.path)).toEqual(paths);
  });

  it('answers 404 for an unknown project or environment', async () => {
    for (const [project, environment] of [
      ['nope', 'prod'],
      ['shop', 'nope'],
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: t.adminHeaders,
        payload: { name: 'x', kind: 'client', project, environment },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json<{ message: string }>().message).toContain("'nope' not found");
    }
  });
});

describe('authentication', () => {
  it('answers 401 without a token, with a malformed header or with an unknown token', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic abc' },
      { authorization: 'Bearer' },
      bearer('sy_admin_unknown'),
    ]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json<{ error: string }>().error).toBe('unauthorized');
    }
  });

  it('answers 403 when an SDK token calls the admin API', async () => {
    const token = await createToken({ name: 'browser', kind: 'client', project: 'shop', environment: 'prod' });
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(token.secret!) });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error: 'forbidden',
      message: 'This endpoint needs an admin token; this is a client token',
    });
  });

  it('records lastUsedAt off the request path', async () => {
    const token = await createToken({ name: 'touch-me', kind: 'admin' });
    expect(token.lastUsedAt).toBeNull();
    await t.app.inject({ method: 'GET', url: '/api/v1/projects', headers: bearer(token.secret!) });
    await vi.waitFor(async () => {
      const row = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      expect(row.lastUsedAt).not.toBeNull();
    });
  });

  describe("routes declaring access: 'sdk' or 'public'", () => {
    const scoped = Fastify();
    beforeAll(async () => {
      installErrorHandlers(scoped);
      registerAuth(scoped, { authenticators: [t.app.tokenAuth] });
      scoped.get('/sdk', { config: { access: 'sdk' } }, async (request) => request.principal);
      scoped.get('/open', { config: { access: 'public' } }, async (request) => ({ principal: request.principal }));
      await scoped.ready();
    });
    afterAll(() => scoped.close());

    it('accepts server and client tokens, with their environment, and refuses admin tokens', async () => {
      const server = await createToken({ name: 'svc', kind: 'server', project: 'shop', environment: 'prod' });
      const ok = await scoped.inject({ method: 'GET', url: '/sdk', headers: bearer(server.secret!) });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ kind: 'token', id: server.id, display: 'svc', tokenKind: 'server' });
      expect(ok.json<{ environmentId?: string }>().environmentId).toEqual(expect.any(String));

      const admin = await scoped.inject({ method: 'GET', url: '/sdk', headers: t.adminHeaders });
      expect(admin.statusCode).toBe(403);
      expect((await scoped.inject({ method: 'GET', url: '/sdk' })).statusCode).toBe(401);
    });

    it('lets anyone call public routes', async () => {
      const response = await scoped.inject({ method: 'GET', url: '/open' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ principal: null });
    });

    it('refuses, at start-up, a route that does not declare its access', async () => {
      const app = Fastify();
      registerAuth(app, { authenticators: [t.app.tokenAuth] });
      expect(() => app.get('/forgot', async () => 'open?')).toThrow(/must declare config.access/);
      expect(() => app.get('/old', { config: { auth: 'admin' } as never }, async () => 'open?')).toThrow(
        /must declare config.access/,
      );
      expect(() => app.get('/flags', { config: { access: 'flags.write' } }, async () => 'which project?')).toThrow(
        /needs a :project parameter/,
      );
      await app.close();
    });
  });
});

describe('DELETE /api/v1/tokens/:id', () => {
  it('revokes: the token stops working at once, and the revocation is audited', async () => {
    const token = await createToken({ name: 'short-lived', kind: 'admin' });
    // Warm the verification cache: revocation must clear it.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(token.secret!) })).statusCode,
    ).toBe(200);

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: t.adminHeaders,
    });
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');

    const after = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(token.secret!) });
    expect(after.statusCode).toBe(401);

    expect((await listTokens()).map((entry) => entry.id)).not.toContain(token.id);
    const all = await listTokens('?includeRevoked=true');
    expect(all.find((entry) => entry.id === token.id)?.revokedAt).toEqual(expect.any(String));

    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'token.revoked', targetKey: token.id },
    });
    expect(audit).toMatchObject({ actor: 'admin (generated)', targetType: 'token', projectId: null });
  });

  it('answers 404 for unknown or already revoked tokens and 400 for a malformed id', async () => {
    const token = await createToken({ name: 'twice', kind: 'admin' });
    const url = `/api/v1/tokens/${token.id}`;
    expect((await t.app.inject({ method: 'DELETE', url, headers: t.adminHeaders })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url, headers: t.adminHeaders })).statusCode).toBe(404);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${unknown}`, headers: t.adminHeaders })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/api/v1/tokens/abc', headers: t.adminHeaders })).statusCode,
    ).toBe(400);
  });

  it('keeps one admin token when the last two are revoked at the same time', async () => {
    const admins = (await listTokens()).filter((entry) => entry.kind === 'admin');
    const bootstrap = admins.find((entry) => entry.name === 'admin (generated)')!;
    for (const other of admins.filter((entry) => entry.id !== bootstrap.id)) {
      await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${other.id}`, headers: t.adminHeaders });
    }
    const second = await createToken({ name: 'second-admin', kind: 'admin' });
    const results = await Promise.all(
      [bootstrap.id, second.id].map((id) =>
        // The owner's token: an instance admin may not revoke the owner's (it stays out of its rights).
        t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: t.adminHeaders }),
      ),
    );
    expect(results.map((response) => response.statusCode).sort()).toEqual([204, 409]);
    expect(await t.db.prisma.apiToken.count({ where: { kind: 'admin', revokedAt: null } })).toBe(1);
    // Leave the bootstrap token as the active one for the tests below.
    const survivor = await t.db.prisma.apiToken.findFirstOrThrow({ where: { kind: 'admin', revokedAt: null } });
    if (survivor.id !== bootstrap.id) {
      await t.db.prisma.apiToken.update({ where: { id: bootstrap.id }, data: { revokedAt: null } });
      await t.db.prisma.apiToken.update({ where: { id: survivor.id }, data: { revokedAt: new Date() } });
      t.app.tokenAuth.invalidate();
    }
  });

  it('keeps the last active admin token', async () => {
    const admins = (await listTokens()).filter((entry) => entry.kind === 'admin');
    const bootstrap = admins.find((entry) => entry.name === 'admin (generated)')!;
    for (const other of admins.filter((entry) => entry.id !== bootstrap.id)) {
      const response = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${other.id}`,
        headers: t.adminHeaders,
      });
      expect(response.statusCode).toBe(204);
    }
    const last = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${bootstrap.id}`,
      headers: t.adminHeaders,
    });
    expect(last.statusCode).toBe(409);
    expect(last.json<{ message: string }>().message).toContain('last active admin token');
  });
});

describe('ensureAdminToken', () => {
  const deps = () => ({ prisma: t.db.prisma, notifier: t.app.changes });

  it('does nothing while an admin token is active', async () => {
    expect(await ensureAdminToken(deps())).toEqual({ outcome: 'existing' });
  });

  it('stores a configured token once, which then authenticates', async () => {
    const configured = 'operator-chosen-admin-token';
    expect(await ensureAdminToken(deps(), configured)).toMatchObject({ outcome: 'configured' });
    expect(await ensureAdminToken(deps(), configured)).toEqual({ outcome: 'existing' });
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(configured) });
    expect(response.statusCode).toBe(200);
    const listed = response.json<{ tokens: TokenBody[] }>().tokens;
    const stored = listed.filter((entry) => entry.name === 'admin (SWITCHYARD_ADMIN_TOKEN)');
    expect(stored).toHaveLength(1);
    // A quarter of a chosen secret at most: 'operator-chosen-admin-token' is 27 characters.
    expect(stored[0]!.prefix).toBe('operat');
    const audit = await t.db.prisma.auditEvent.findMany({
      where: { actor: 'system:bootstrap', action: 'token.created' },
    });
    expect(audit.length).toBeGreaterThanOrEqual(2); // the generated one of createTestApp, and this one
  });

  it('lets replicas starting at once store a configured token exactly once', async () => {
    const configured = 'token-shared-by-every-replica';
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => ensureAdminToken(deps(), configured)));
    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual([
      'configured',
      'existing',
      'existing',
      'existing',
      'existing',
    ]);
    const hash = hashTokenSecret(configured);
    expect(await t.db.prisma.apiToken.count({ where: { hash } })).toBe(1);
  });

  it('numbers the name of a newly configured token while the previous one is active', async () => {
    // The previous tests stored two configured tokens, both still active: names stay unique.
    const stored = await t.db.prisma.apiToken.findMany({
      where: { name: { startsWith: 'admin (SWITCHYARD_ADMIN_TOKEN)' }, revokedAt: null },
      orderBy: { createdAt: 'asc' },
    });
    expect(stored.map((token) => token.name)).toEqual([
      'admin (SWITCHYARD_ADMIN_TOKEN)',
      'admin (SWITCHYARD_ADMIN_TOKEN) 2',
    ]);
    const audit = await t.db.prisma.auditEvent.findMany({
      where: { action: 'token.created', targetKey: stored[1]!.id },
    });
    expect(audit).toMatchObject([{ actor: 'system:bootstrap', actorKind: 'system', actorId: 'bootstrap' }]);
  });

  it('does not resurrect a revoked configured token, and generates one if no admin is left', async () => {
    const configured = 'operator-chosen-admin-token';
    // Revoke every admin token straight in the database (the API keeps the last one).
    await t.db.prisma.apiToken.updateMany({ where: { kind: 'admin' }, data: { revokedAt: new Date() } });
    t.app.tokenAuth.invalidate();
    const result = await ensureAdminToken(deps(), configured);
    expect(result).toMatchObject({ outcome: 'generated', configuredWasRevoked: true });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(configured) })).statusCode).toBe(
      401,
    );
    const secret = (result as { secret: string }).secret;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(secret) })).statusCode).toBe(
      200,
    );
  });
});
