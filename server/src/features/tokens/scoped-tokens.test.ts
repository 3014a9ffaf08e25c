import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * Admin tokens scoped to a project (or every project) with a role, and token expiry: a token never
 * mints, lists or revokes a token with more rights than its own.
 */

interface TokenBody {
  id: string;
  name: string;
  kind: string;
  project: string | null;
  role: string | null;
  instanceRole: string | null;
  expiresAt: string | null;
  secret?: string;
}

let t: TestApp;
let names = 0;
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

beforeAll(async () => {
  t = await createTestApp();
  for (const project of ['shop', 'blog']) {
    expect((await t.api('POST', '/projects', { key: project, name: project })).status).toBe(201);
    expect((await t.api('POST', `/projects/${project}/environments`, { key: 'prod', name: 'Prod' })).status).toBe(201);
  }
});
afterAll(() => t?.close());

async function post(headers: Record<string, string>, payload: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers,
    payload: { name: `token ${++names}`, ...payload },
  });
  return { status: response.statusCode, body: response.json<TokenBody & { message?: string }>() };
}

async function mint(payload: Record<string, unknown>): Promise<TokenBody & { headers: Record<string, string> }> {
  const { status, body } = await post(t.adminHeaders, payload);
  expect(status, JSON.stringify(body)).toBe(201);
  return { ...body, headers: bearer(body.secret!) };
}

describe('scoped admin tokens', () => {
  it('takes project and role, shows them, and treats the bootstrap token as the owner', async () => {
    const editor = await mint({ kind: 'admin', project: 'shop', role: 'editor' });
    expect(editor).toMatchObject({ project: 'shop', role: 'editor', instanceRole: null, expiresAt: null });
    const everywhere = await mint({ kind: 'admin', role: 'viewer' });
    expect(everywhere).toMatchObject({ project: null, role: 'viewer', instanceRole: null });
    const instance = await mint({ kind: 'admin' });
    expect(instance).toMatchObject({ project: null, role: null, instanceRole: 'admin' });
    const list = await t.api('GET', '/tokens');
    const owner = (list.body.tokens as TokenBody[]).find((token) => token.name === 'admin (generated)');
    expect(owner).toMatchObject({ instanceRole: 'owner', role: null });
  });

  it('refuses inconsistent bodies with 400 and writes nothing', async () => {
    const before = await t.db.prisma.apiToken.count();
    for (const payload of [
      { kind: 'admin', project: 'shop' }, // a project needs a role
      { kind: 'admin', role: 'editor', environment: 'prod' },
      { kind: 'server', project: 'shop', environment: 'prod', role: 'viewer' },
      { kind: 'admin', role: 'owner' },
      { kind: 'admin', role: 'editor', expiresAt: 'tomorrow' },
      { kind: 'admin', role: 'editor', expiresAt: new Date(Date.now() - 1000).toISOString() },
    ]) {
      const { status } = await post(t.adminHeaders, payload);
      expect(status, JSON.stringify(payload)).toBe(400);
    }
    expect(await t.db.prisma.apiToken.count()).toBe(before);
  });

  it('lets a project admin token mint tokens of its project only, never beyond its own rights', async () => {
    const projectAdmin = await mint({ kind: 'admin', project: 'shop', role: 'admin' });
    const ok = [
      { kind: 'admin', project: 'shop', role: 'editor' },
      { kind: 'admin', project: 'shop', role: 'admin' },
      { kind: 'server', project: 'shop', environment: 'prod' },
      { kind: 'client', project: 'shop', environment: 'prod' },
    ];
    for (const payload of ok)
      expect((await post(projectAdmin.headers, payload)).status, JSON.stringify(payload)).toBe(201);
    const refused = [
      { kind: 'admin' }, // instance admin
      { kind: 'admin', role: 'viewer' }, // every project
      { kind: 'admin', project: 'blog', role: 'viewer' },
      { kind: 'server', project: 'blog', environment: 'prod' },
      { kind: 'admin', project: 'nowhere', role: 'viewer' }, // 403, not 404: existence is not its business
    ];
    for (const payload of refused) {
      expect((await post(projectAdmin.headers, payload)).status, JSON.stringify(payload)).toBe(403);
    }
  });

  it('refuses token management to editors (a project-scoped editor cannot mint an admin token)', async () => {
    const editor = await mint({ kind: 'admin', project: 'shop', role: 'editor' });
    expect((await post(editor.headers, { kind: 'admin', project: 'shop', role: 'admin' })).status).toBe(403);
    expect((await post(editor.headers, { kind: 'admin', project: 'shop', role: 'viewer' })).status).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: editor.headers });
    expect(list.statusCode).toBe(403);
  });

  it("lists and revokes only its project's tokens", async () => {
    const projectAdmin = await mint({ kind: 'admin', project: 'blog', role: 'admin' });
    const blogServer = await mint({ kind: 'server', project: 'blog', environment: 'prod' });
    const shopServer = await mint({ kind: 'server', project: 'shop', environment: 'prod' });
    const instance = await mint({ kind: 'admin' });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: projectAdmin.headers });
    const listed = list.json<{ tokens: TokenBody[] }>().tokens;
    expect(listed.every((token) => token.project === 'blog')).toBe(true);
    expect(listed.map((token) => token.id)).toEqual(expect.arrayContaining([projectAdmin.id, blogServer.id]));
    for (const id of [shopServer.id, instance.id]) {
      const revoke = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${id}`,
        headers: projectAdmin.headers,
      });
      expect(revoke.statusCode).toBe(404);
    }
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${blogServer.id}`,
      headers: projectAdmin.headers,
    });
    expect(revoke.statusCode).toBe(204);
  });

  it('scopes what a token may do to its project and role', async () => {
    const editor = await mint({ kind: 'admin', project: 'shop', role: 'editor' });
    const create = (project: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/projects/${project}/flags`,
        headers: editor.headers,
        payload: { key: `f${++names}`, name: 'F', type: 'boolean' },
      });
    expect((await create('shop')).statusCode).toBe(201);
    expect((await create('blog')).statusCode).toBe(403);
    const deleteProject = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/projects/shop',
      headers: editor.headers,
    });
    expect(deleteProject.statusCode).toBe(403);
  });

  it("keeps the owner's token out of an instance admin's reach", async () => {
    const instance = await mint({ kind: 'admin' });
    const tokens = (await t.api('GET', '/tokens')).body.tokens as TokenBody[];
    const owner = tokens.find((token) => token.name === 'admin (generated)')!;
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${owner.id}`,
      headers: instance.headers,
    });
    expect(revoke.statusCode).toBe(404);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: instance.headers });
    expect(listed.json<{ tokens: TokenBody[] }>().tokens.map((token) => token.id)).not.toContain(owner.id);
  });

  it('does not count scoped admin tokens as the last admin token', async () => {
    // Every instance-level token but the bootstrap one is revoked; a scoped admin cannot administer the server.
    const tokens = (await t.api('GET', '/tokens')).body.tokens as TokenBody[];
    for (const token of tokens) {
      if (token.kind === 'admin' && token.role === null && token.name !== 'admin (generated)') {
        expect((await t.api('DELETE', `/tokens/${token.id}`)).status).toBe(204);
      }
    }
    const owner = tokens.find((token) => token.name === 'admin (generated)')!;
    expect((await t.api('DELETE', `/tokens/${owner.id}`)).status).toBe(409);
  });
});

describe('token expiry', () => {
  it('accepts a token until it expires, then answers 401 saying so', async () => {
    const token = await mint({
      kind: 'admin',
      project: 'shop',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(token.expiresAt).not.toBeNull();
    const get = () => t.app.inject({ method: 'GET', url: '/api/v1/projects/shop', headers: token.headers });
    expect((await get()).statusCode).toBe(200); // verified and cached
    await t.db.prisma.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    t.app.tokenAuth.invalidate();
    const expired = await get();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: 'unauthorized', message: expect.stringMatching(/expired/) });
  });

  it('mints, with an expiring token, only tokens that expire no later (by default: at the same time)', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const expiring = await mint({ kind: 'admin', project: 'shop', role: 'admin', expiresAt });
    const inherited = await post(expiring.headers, { kind: 'server', project: 'shop', environment: 'prod' });
    expect(inherited).toMatchObject({ status: 201, body: { expiresAt } });
    const later = new Date(Date.now() + 7_200_000).toISOString();
    expect(
      (await post(expiring.headers, { kind: 'admin', project: 'shop', role: 'viewer', expiresAt: later })).status,
    ).toBe(403);
  });

  it('expires SDK tokens too', async () => {
    const token = await mint({
      kind: 'server',
      project: 'shop',
      environment: 'prod',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await t.db.prisma.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/sdk/snapshot', headers: token.headers });
    expect(response.statusCode).toBe(401);
  });
});
