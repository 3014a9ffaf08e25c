import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdminStream, type AdminStreamEvent } from '../../../test/propagation/support/admin-stream.js';
import { startListeningApp, type ListeningApp } from '../../../test/propagation/support/listening-app.js';
import { MAX_STREAMS_PER_PRINCIPAL } from './routes.js';

/**
 * The admin event stream on one server (embedded bus: its own commits come by the change notifier
 * and by the bus, and are sent once): the console hears of changes made elsewhere without polling.
 * Real sockets (SSE), real database. Across replicas: test/propagation/admin-events-replicas.test.ts.
 */
let server: ListeningApp;
const api = <T>(method: string, path: string, body?: unknown, token?: string) =>
  server.api.request<T>(method, path, body, token);
const open = (query = '', token = server.api.adminToken) => openAdminStream(server.baseUrl, token, query);
const changes = (events: AdminStreamEvent[]) => events.filter((event) => event.event === 'change');
const mint = (payload: Record<string, unknown>) =>
  api<{ id: string; secret: string }>('POST', '/tokens', { name: `t-${Math.random()}`, kind: 'admin', ...payload });

beforeAll(async () => {
  server = await startListeningApp();
  for (const project of ['shop', 'blog']) {
    await server.api.createProject(project);
    await server.api.createEnvironment(project, 'production');
    await server.api.createFlag(project, 'checkout');
  }
});
afterAll(async () => server?.close());

describe('GET /events', () => {
  it('sends each committed change once, by project and environment keys', async () => {
    const stream = await open();
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    await api('POST', '/projects/shop/flags/checkout/environments/production/kill', { reason: 'incident' });
    const killed = await stream.waitFor((event) => event.event === 'change' && event.data['project'] === 'shop');
    expect(killed?.data).toEqual({
      project: 'shop',
      environment: 'production',
      revision: expect.any(Number),
      flags: ['checkout'],
      segments: [],
    });
    // Two later changes as markers: had the bus's copy of the kill been sent too, it would come before them.
    await api('POST', '/projects/shop/flags/checkout/environments/production/restore', { reason: 'fixed' });
    await api('POST', '/projects/blog/flags/checkout/environments/production/on', {});
    await stream.waitFor((event) => event.data['project'] === 'blog');
    const revision = killed!.data['revision'] as number;
    // From the kill on (a change committed just before the stream opened may come first).
    const fromKill = changes(stream.events).slice(changes(stream.events).indexOf(killed!));
    expect(fromKill.map((event) => [event.data['project'], event.data['revision']])).toEqual([
      ['shop', revision],
      ['shop', revision + 1],
      ['blog', expect.any(Number)],
    ]);
    stream.close();
  });

  it('narrows to one project with ?project=', async () => {
    const stream = await open('?project=blog');
    await api('POST', '/projects/shop/flags/checkout/environments/production/off', {});
    await api('POST', '/projects/blog/flags/checkout/environments/production/off', {});
    await stream.waitFor((event) => event.data['project'] === 'blog');
    expect(changes(stream.events).map((event) => event.data['project'])).toEqual(['blog']);
    stream.close();
    const unknown = await fetch(`${server.baseUrl}/api/v1/events?project=nope`, {
      headers: { authorization: `Bearer ${server.api.adminToken}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('sends a caller with roles in some projects only those projects’ changes', async () => {
    const blogViewer = await mint({ role: 'viewer', project: 'blog' });
    const stream = await open('', blogViewer.secret);
    expect(stream.status).toBe(200);
    await api('POST', '/projects/shop/flags/checkout/environments/production/on', {});
    await api('POST', '/projects/blog/flags/checkout/environments/production/on', {});
    await stream.waitFor((event) => event.data['project'] === 'blog');
    expect(changes(stream.events).map((event) => event.data['project'])).toEqual(['blog']);
    stream.close();
    const refused = await fetch(`${server.baseUrl}/api/v1/events?project=shop`, {
      headers: { authorization: `Bearer ${blogViewer.secret}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'forbidden' });
  });

  it('sends the changes of an environment deleted and recreated under the same key (its revisions start again)', async () => {
    const stream = await open('?project=blog');
    const staging = '/projects/blog/flags/checkout/environments/staging';
    const stagedAt = (revision: number) =>
      changes(stream.events).filter(
        (event) => event.data['environment'] === 'staging' && event.data['revision'] === revision,
      );
    await api('POST', '/projects/blog/environments', { key: 'staging', name: 'Staging' });
    await api('POST', `${staging}/kill`, { reason: 'one' });
    await api('POST', `${staging}/restore`, { reason: 'two' });
    await api('POST', `${staging}/kill`, { reason: 'three' });
    const before = await api<{ revision: number }>('GET', '/projects/blog/environments/staging');
    await stream.waitFor(() => stagedAt(before.revision).length === 1);
    await api('DELETE', '/projects/blog/environments/staging?force=true');
    await api('POST', '/projects/blog/environments', { key: 'staging', name: 'Staging' });
    await api('POST', `${staging}/kill`, { reason: 'again' });
    const after = await api<{ revision: number }>('GET', '/projects/blog/environments/staging');
    expect(after.revision).toBeLessThanOrEqual(before.revision); // a revision the old environment had too
    expect(await stream.waitFor(() => stagedAt(after.revision).length === 2)).not.toBeNull();
    stream.close();
  });

  it('refuses SDK tokens and anonymous callers', async () => {
    const serverToken = await server.api.createToken('server', 'shop', 'production');
    const refused = await fetch(`${server.baseUrl}/api/v1/events`, {
      headers: { authorization: `Bearer ${serverToken}` },
    });
    expect(refused.status).toBe(403);
    expect((await fetch(`${server.baseUrl}/api/v1/events`)).status).toBe(401);
  });

  it('ends a revoked token’s stream when the revocation is announced, before any change', async () => {
    const alice = await mint({});
    const stream = await open('', alice.secret);
    expect(stream.status).toBe(200);
    await api('DELETE', `/tokens/${alice.id}`);
    await expect(stream.ended()).resolves.toBe(true);
    expect(changes(stream.events)).toEqual([]);
  });

  it(`holds at most ${MAX_STREAMS_PER_PRINCIPAL} streams per token (429 + Retry-After past it)`, async () => {
    const bob = await mint({});
    const streams = [];
    for (let i = 0; i < MAX_STREAMS_PER_PRINCIPAL; i++) streams.push(await open('', bob.secret));
    expect(streams.map((stream) => stream.status)).toEqual(streams.map(() => 200));
    const over = await fetch(`${server.baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${bob.secret}` } });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('30');
    expect(await over.json()).toMatchObject({ error: 'too_many_requests' });
    // Another principal is not affected; a closed stream gives its slot back.
    const other = await open();
    expect(other.status).toBe(200);
    other.close();
    streams.pop()!.close();
    let again = 0;
    for (let attempt = 0; attempt < 100 && again !== 200; attempt++) {
      const stream = await open('', bob.secret);
      again = stream.status;
      stream.close();
      if (again !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(again).toBe(200);
    for (const stream of streams) stream.close();
  });

  it('answers HEAD with the stream headers without opening a stream', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/events`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${server.api.adminToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
  });
});
