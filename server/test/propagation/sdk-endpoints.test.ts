import { toClientSnapshot, type Snapshot, type SnapshotPatch } from '@switchyard/core';
import { snapshotSchema } from '@switchyard/core/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironmentFlags } from '../../src/features/flags/store.js';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { MemoryBus } from '../../src/propagation/memory-bus.js';
import { OutboxPublisher } from '../../src/propagation/outbox-publisher.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';

/** In one process (in-process bus): the snapshot endpoint, streams, resume, client filtering, metrics. */
describe('SDK endpoints (embedded bus)', () => {
  let server: ListeningApp;
  let serverToken: string;
  let clientToken: string;
  const streams: SseClient[] = [];
  const stream = (options: { token?: string; query?: string; lastEventId?: number } = {}) => {
    const client = new SseClient({
      url: `${server.baseUrl}/api/v1/sdk/stream${options.query ?? ''}`,
      token: options.token,
      lastEventId: options.lastEventId,
    });
    streams.push(client);
    return client;
  };
  const databaseSnapshot = async () => (await buildSnapshot(server.db.prisma, environmentId))!.snapshot;
  let environmentId: string;

  beforeAll(async () => {
    server = await startListeningApp({ propagation: { heartbeatMs: 200, ringSize: 4 } });
    const { api } = server;
    await api.createProject('shop');
    await api.createEnvironment('shop', 'prod');
    serverToken = await api.createToken('server', 'shop', 'prod');
    clientToken = await api.createToken('client', 'shop', 'prod');
    await api.createFlag('shop', 'checkout', { clientSide: true });
    await api.createFlag('shop', 'internal-tool');
    const environment = await server.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } });
    environmentId = environment.id;
  });

  afterAll(async () => {
    for (const client of streams) client.close();
    await server?.close();
  });

  it('serves the snapshot with the revision as ETag, 304 when unchanged', async () => {
    const first = await server.api.snapshot(serverToken);
    expect(first.status).toBe(200);
    const snapshot = snapshotSchema.parse(first.body) as Snapshot;
    expect(snapshot.flags.map((flag) => flag.key)).toEqual(['checkout', 'internal-tool']);
    expect(first.etag).toBe(`"${snapshot.revision}"`);
    expect(canonicalSnapshot(snapshot)).toBe(canonicalSnapshot(await databaseSnapshot()));

    const again = await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`, {
      headers: { authorization: `Bearer ${serverToken}`, 'if-none-match': first.etag! },
    });
    expect(again.status).toBe(304);

    await server.api.toggle('shop', 'checkout', 'prod', true);
    const changed = await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`, {
      headers: { authorization: `Bearer ${serverToken}`, 'if-none-match': first.etag! },
    });
    // Read-your-writes on the replica that took the write.
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"${snapshot.revision + 1}"`);
  });

  it('gives client tokens only clientSide flags; ?key= only on the stream, and only for client tokens', async () => {
    const viaHeader = await server.api.snapshot(clientToken);
    expect((viaHeader.body as Snapshot).flags.map((flag) => flag.key)).toEqual(['checkout']);
    // fetch can send headers: the snapshot endpoint does not take the key from the URL.
    const snapshotViaQuery = await fetch(`${server.baseUrl}/api/v1/sdk/snapshot?key=${clientToken}`);
    expect(snapshotViaQuery.status).toBe(401);
    expect(((await snapshotViaQuery.json()) as { message: string }).message).toMatch(/sdk\/stream only/);
    // EventSource cannot: the stream does.
    const controller = new AbortController();
    const streamViaQuery = await fetch(`${server.baseUrl}/api/v1/sdk/stream?key=${clientToken}`, {
      signal: controller.signal,
    });
    expect(streamViaQuery.status).toBe(200);
    controller.abort();

    const serverInUrl = await fetch(`${server.baseUrl}/api/v1/sdk/stream?key=${serverToken}`);
    expect(serverInUrl.status).toBe(401);
    expect(((await serverInUrl.json()) as { message: string }).message).toMatch(/client tokens only/);
    const none = await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`);
    expect(none.status).toBe(401);
    const admin = await fetch(`${server.baseUrl}/api/v1/sdk/stream`, {
      headers: { authorization: `Bearer ${(server.api as unknown as { adminToken: string }).adminToken}` },
    });
    expect(admin.status).toBe(403);
    const badResume = await fetch(`${server.baseUrl}/api/v1/sdk/stream?lastEventId=abc`, {
      headers: { authorization: `Bearer ${serverToken}` },
    });
    expect(badResume.status).toBe(400);
  });

  it('streams a put, then one patch per change with the revision as event id', async () => {
    const client = stream({ token: serverToken });
    await client.connect();
    await client.waitFor(() => client.snapshot !== undefined);
    const start = client.revision!;
    expect(client.events[0]!.event).toBe('put');
    expect(client.events[0]!.id).toBe(String(start));

    await server.api.toggle('shop', 'internal-tool', 'prod', true);
    await server.api.toggle('shop', 'internal-tool', 'prod', false);
    await client.waitForRevision(start + 2);
    const patches = client.events.filter((event) => event.event === 'patch');
    expect(patches.map((event) => Number(event.id))).toEqual([start + 1, start + 2]);
    const patch = JSON.parse(patches[0]!.data) as SnapshotPatch;
    expect(patch.flags.map((flag) => [flag.key, flag.enabled])).toEqual([['internal-tool', true]]);
    expect(client.violations).toEqual([]);
    expect(canonicalSnapshot(client.snapshot!)).toBe(canonicalSnapshot(await databaseSnapshot()));
  });

  it('sends heartbeat comments', async () => {
    const client = stream({ token: serverToken });
    await client.connect();
    await client.waitFor(() => client.events.some((event) => event.event === 'comment'), 2_000, 'a heartbeat');
    expect(client.events.find((event) => event.event === 'comment')!.data).toBe(': ping');
  });

  it('resumes from Last-Event-ID with exactly the missed patches, and a put when it is too old', async () => {
    const revision = (await databaseSnapshot()).revision;
    await server.api.toggle('shop', 'checkout', 'prod', false);
    await server.api.toggle('shop', 'checkout', 'prod', true);
    const resumed = stream({ token: serverToken, lastEventId: revision });
    await resumed.connect();
    await resumed.waitFor(() => resumed.events.filter((event) => event.event === 'patch').length === 2);
    expect(resumed.events.filter((event) => event.event !== 'comment').map((event) => [event.event, event.id])).toEqual(
      [
        ['patch', String(revision + 1)],
        ['patch', String(revision + 2)],
      ],
    );

    const current = stream({ token: serverToken, lastEventId: revision + 2 });
    await current.connect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(current.events.filter((event) => event.event !== 'comment')).toEqual([]);

    // The ring holds 4 patches: 5 writes later, `revision` is too old to resume from.
    for (let i = 0; i < 5; i++) await server.api.toggle('shop', 'checkout', 'prod', i % 2 === 0);
    const tooOld = stream({ token: serverToken, lastEventId: revision });
    await tooOld.connect();
    await tooOld.waitFor(() => tooOld.events.some((event) => event.event === 'put'));
    expect(tooOld.events[0]!.event).toBe('put');
    expect(tooOld.revision).toBe(revision + 7);

    const ahead = stream({ token: serverToken, lastEventId: revision + 1000 });
    await ahead.connect();
    await ahead.waitFor(() => ahead.events.some((event) => event.event === 'put'));
    expect(ahead.revision).toBe(revision + 7);
  });

  it('never sends a non-clientSide flag on client streams; one leaving the client view is deleted', async () => {
    const client = stream({ query: `?key=${clientToken}` });
    await client.connect();
    await client.waitFor(() => client.snapshot !== undefined);
    const start = client.revision!;
    await server.api.toggle('shop', 'internal-tool', 'prod', true); // server-only: empty client patch
    await server.api.updateFlag('shop', 'internal-tool', { clientSide: true });
    await server.api.updateFlag('shop', 'internal-tool', { clientSide: false });
    await server.api.archiveFlag('shop', 'checkout');
    await client.waitForRevision(start + 4);
    const patches = client.events
      .filter((event) => event.event === 'patch')
      .map((event) => JSON.parse(event.data) as SnapshotPatch);
    expect(patches.map((patch) => patch.flags.map((flag) => flag.key))).toEqual([[], ['internal-tool'], [], []]);
    expect(patches[2]!.deletedFlags).toEqual(['internal-tool']);
    expect(patches[3]!.deletedFlags).toEqual(['checkout']);
    const serverOnly = new Set(
      (await databaseSnapshot()).flags.filter((flag) => flag.clientSide !== true).map((flag) => flag.key),
    );
    for (const event of client.events.filter((item) => item.event === 'put' || item.event === 'patch')) {
      const payload = JSON.parse(event.data) as { flags: { key: string; clientSide?: boolean }[] };
      for (const flag of payload.flags) expect(flag.clientSide, flag.key).toBe(true);
    }
    expect(serverOnly.size).toBeGreaterThan(0);
    expect(canonicalSnapshot(client.snapshot!)).toBe(canonicalSnapshot(toClientSnapshot(await databaseSnapshot())));
  });

  it("builds the snapshot's flags exactly as core's loadEnvironmentFlags does, with outbox hints", async () => {
    await server.api.request('POST', '/projects/shop/flags', {
      key: 'salted',
      name: 'salted',
      type: 'string',
      variants: [
        { key: 'a', value: 'A' },
        { key: 'b', value: 'B', name: 'Bee' },
      ],
      salt: 'pepper',
      clientSide: true,
    });
    await server.db.prisma.segment.create({
      data: {
        projectId: (await server.db.prisma.project.findFirstOrThrow({ where: { key: 'shop' } })).id,
        key: 'beta-users',
        name: 'Beta users',
        conditions: [{ attribute: 'plan', operator: 'in', values: ['beta'] }],
      },
    });
    const built = (await buildSnapshot(server.db.prisma, environmentId, 2))!;
    expect(built.snapshot.flags).toEqual(await loadEnvironmentFlags(server.db.prisma, environmentId));
    expect(JSON.stringify(built.snapshot.flags)).toBe(
      JSON.stringify(await loadEnvironmentFlags(server.db.prisma, environmentId)),
    );
    expect(built.snapshot.segments).toEqual([
      { key: 'beta-users', conditions: [{ attribute: 'plan', operator: 'in', values: ['beta'] }] },
    ]);
    expect(built.hints.map((hint) => hint.revision)).toEqual(
      Array.from({ length: built.snapshot.revision - 2 }, (_, index) => index + 3),
    );
    expect(built.hints.at(-1)!.flags).toEqual(['salted']);
    expect(await buildSnapshot(server.db.prisma, '00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('drops snapshot feeds nobody streams or asked for lately, keeps the others', async () => {
    await server.api.createEnvironment('shop', 'staging');
    const stagingToken = await server.api.createToken('server', 'shop', 'staging');
    expect((await server.api.snapshot(stagingToken)).status).toBe(200);
    const { feeds } = server.app.propagation;
    const before = feeds.size;
    await feeds.checkAll('check', 0);
    expect(feeds.size).toBe(before - 1); // staging went; prod has streams
    expect((await server.api.snapshot(stagingToken)).status).toBe(200); // and comes back on demand
    expect(feeds.size).toBe(before);
  });

  it('prunes published outbox rows past the retention, never unpublished ones', async () => {
    await server.app.propagation.publisher.drain();
    const environment = await server.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } });
    await server.db.prisma.changeOutbox.create({
      data: { environmentId: environment.id, revision: 1_000_000, changed: { flags: [], segments: [] } },
    });
    const published = await server.db.prisma.changeOutbox.count({ where: { publishedAt: { not: null } } });
    expect(published).toBeGreaterThan(0);
    const pruner = new OutboxPublisher(server.db.prisma, new MemoryBus(), { retentionMs: 0 });
    expect(await pruner.prune()).toBe(published);
    expect(await server.db.prisma.changeOutbox.findMany({ select: { revision: true } })).toEqual([
      { revision: 1_000_000 },
    ]);
    await server.db.prisma.changeOutbox.deleteMany({ where: { revision: 1_000_000 } });
  });

  it('serves Prometheus metrics without a token', async () => {
    const response = await fetch(`${server.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/switchyard_sdk_streams\{kind="server"\} [1-9]/);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/projects",status_code="201"\} 1/,
    );
    expect(text).toMatch(/switchyard_changes_published_total [1-9]/);
    expect(text).toMatch(/switchyard_propagation_lag_seconds_count [1-9]/);
  });
});
