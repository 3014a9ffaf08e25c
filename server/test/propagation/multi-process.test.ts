import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from './support/cluster.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

/**
 * Two server processes (server/dist/main.js) sharing Postgres and a Redis of the test's own:
 * propagation across processes, Redis outages, server crashes.
 */
describe('propagation across server processes', () => {
  let cluster: Cluster;
  let serverToken: string;
  let clientToken: string;
  const streams: SseClient[] = [];
  const open = async (serverIndex: number, token: string, reconnect = true) => {
    const client = new SseClient({
      url: `${cluster.servers[serverIndex]!.baseUrl}/api/v1/sdk/stream`,
      token,
      reconnect,
    });
    streams.push(client);
    await client.connect();
    await client.waitFor(() => client.snapshot !== undefined);
    return client;
  };
  /** Every stream ends at the database's snapshot, byte for byte (canonical JSON). */
  const expectConverged = async (clients: SseClient[], view: 'server' | 'client' = 'server') => {
    const expected = await cluster.databaseSnapshot('prod', view);
    for (const client of clients) await client.waitForRevision(expected.revision, 15_000);
    for (const client of clients) {
      expect(canonicalSnapshot(client.snapshot!)).toBe(canonicalSnapshot(expected));
      expect(client.violations).toEqual([]);
    }
  };

  beforeAll(async () => {
    // A slow safety net, so these tests show pub/sub and resubscription at work, not the timer.
    cluster = await startCluster(2, { SWITCHYARD_CONVERGENCE_INTERVAL_MS: '600000' });
    const [a] = cluster.apis;
    await a!.createProject('shop');
    await a!.createEnvironment('shop', 'prod');
    serverToken = await a!.createToken('server', 'shop', 'prod');
    clientToken = await a!.createToken('client', 'shop', 'prod');
    for (const key of ['alpha', 'beta', 'gamma']) await a!.createFlag('shop', key, { clientSide: key === 'alpha' });
  }, 180_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await cluster?.close();
  });

  it('a change written through process A reaches a stream connected to process B', async () => {
    const onB = await open(1, serverToken);
    const start = onB.revision!;
    await cluster.apis[0]!.toggle('shop', 'beta', 'prod', true);
    await onB.waitForRevision(start + 1, 5_000);
    expect(onB.snapshot!.flags.find((flag) => flag.key === 'beta')!.enabled).toBe(true);
    expect(onB.events.filter((event) => event.event === 'patch').map((event) => event.id)).toEqual([String(start + 1)]);
    await expectConverged([onB]);
    // The shared snapshot cache holds the same snapshot.
    const redis = new Redis(cluster.redis.url);
    try {
      const expected = canonicalSnapshot(await cluster.databaseSnapshot('prod'));
      await expect
        .poll(async () => {
          const cached = await readSnapshotKey(redis);
          return cached === undefined ? null : canonicalSnapshot(cached);
        })
        .toBe(expected);
    } finally {
      redis.disconnect();
    }
  });

  it('converges every stream after Redis is stopped mid-run and restarted', async () => {
    const clients = [await open(0, serverToken), await open(1, serverToken)];
    const clientStreams = [await open(0, clientToken), await open(1, clientToken)];
    await cluster.apis[0]!.toggle('shop', 'alpha', 'prod', true);
    await cluster.redis.stop();
    for (let i = 0; i < 10; i++) {
      await cluster.apis[i % 2]!.toggle('shop', i % 3 === 0 ? 'alpha' : 'gamma', 'prod', i % 2 === 0);
    }
    await cluster.redis.start();
    for (let i = 0; i < 3; i++) await cluster.apis[1]!.toggle('shop', 'beta', 'prod', i % 2 === 1);
    await expectConverged(clients);
    await expectConverged(clientStreams, 'client');
    // Every outbox row got published once Redis was back.
    await expect
      .poll(() => cluster.db.prisma.changeOutbox.count({ where: { publishedAt: null } }), { timeout: 10_000 })
      .toBe(0);
  });

  it('streams reconnect with backoff to a killed and restarted server and converge', async () => {
    const onB = await open(1, serverToken);
    const connectionsBefore = onB.connections;
    await cluster.servers[1]!.stop('SIGKILL');
    for (let i = 0; i < 5; i++) await cluster.apis[0]!.toggle('shop', 'gamma', 'prod', i % 2 === 0);
    await cluster.servers[1]!.start();
    await expectConverged([onB]);
    expect(onB.connections).toBeGreaterThan(connectionsBefore);
  });

  it('client-token streams never carry a non-clientSide flag', async () => {
    const onA = await open(0, clientToken);
    await cluster.apis[1]!.updateFlag('shop', 'gamma', { clientSide: true });
    await cluster.apis[1]!.toggle('shop', 'gamma', 'prod', true);
    await cluster.apis[1]!.updateFlag('shop', 'gamma', { clientSide: false });
    await cluster.apis[1]!.toggle('shop', 'gamma', 'prod', false);
    await expectConverged([onA], 'client');
    const sent = onA.events.filter((event) => event.event === 'put' || event.event === 'patch');
    const serverOnlyFlagSent = sent.some((event) =>
      (JSON.parse(event.data) as { flags: { clientSide?: boolean }[] }).flags.some((flag) => flag.clientSide !== true),
    );
    expect(serverOnlyFlagSent).toBe(false);
    expect(sent.some((event) => event.data.includes('"deletedFlags":["gamma"]'))).toBe(true);
  });
});
