import type { Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SwitchyardClient } from '../../../sdk-node/src/index.js';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { until } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

/**
 * A kill committed while Redis is down must reach SDKs in direct Redis mode once Redis is back,
 * even when it comes back empty and the replica that publishes the change holds the environment
 * itself (an SDK stream is open to it): that replica's feed wrote the key while Redis was down (the
 * write was dropped), and its key writer skips revisions its feed "holds", so nothing wrote the key
 * again until an unrelated change.
 */
describe('the snapshot key after a Redis outage', () => {
  let redis: RedisProcess;
  let reader: Redis;
  let a: ListeningApp;
  let serverToken: string;
  let environmentId: string;
  let stream: SseClient;
  let sdk: SwitchyardClient;

  const databaseSnapshot = async () => (await buildSnapshot(a.db.prisma, environmentId))!.snapshot;
  const cached = async (): Promise<Snapshot | undefined> => {
    return readSnapshotKey(reader).catch(() => undefined);
  };

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    reader = new Redis(redis.url, { retryStrategy: () => 50 });
    reader.on('error', () => {}); // while the test's Redis is stopped
    a = await startListeningApp({
      config: { redisUrl: redis.url },
      propagation: { outboxPollMs: 250, convergenceIntervalMs: 1_000 },
    });
    await a.api.createProject('shop');
    await a.api.createEnvironment('shop', 'prod');
    serverToken = await a.api.createToken('server', 'shop', 'prod');
    await a.api.createFlag('shop', 'checkout');
    await a.api.toggle('shop', 'checkout', 'prod', true);
    environmentId = (await a.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;
    stream = new SseClient({ url: `${a.baseUrl}/api/v1/sdk/stream`, token: serverToken, reconnect: true });
    await stream.connect(); // A holds shop/prod from now on
    await until(async () => (await cached())?.revision === (await databaseSnapshot()).revision, 'the key written');
    sdk = createClient({
      sdkKey: 'sy_server_unused-in-redis-mode',
      redis: { url: redis.url, projectKey: 'shop', environmentKey: 'prod', pollIntervalMs: 60_000 },
    });
    await sdk.ready();
  }, 120_000);

  afterAll(async () => {
    await sdk?.close();
    stream?.close();
    await a?.close();
    reader?.disconnect();
    await redis?.stop();
  });

  it('holds a kill committed while Redis was down as soon as Redis is back empty', async () => {
    expect(sdk.isEnabled('checkout', {})).toBe(true);
    await redis.stop(); // no persistence: it comes back empty
    await a.api.request('POST', '/projects/shop/flags/checkout/environments/prod/kill', { reason: 'incident' });
    const killed = await databaseSnapshot();
    expect(killed.flags.find((flag) => flag.key === 'checkout')?.enabled).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // long enough for the reconnect backoff to grow
    await redis.start();
    const back = Date.now();

    await until(
      async () => {
        const snapshot = await cached();
        return snapshot !== undefined && canonicalSnapshot(snapshot) === canonicalSnapshot(killed);
      },
      'the key at the kill',
      5_000,
    );
    const keyMs = Date.now() - back;
    await until(async () => !sdk.isEnabled('checkout', {}), 'the direct-Redis SDK to see the kill', 10_000);
    const sdkMs = Date.now() - back;
    process.stdout.write(
      `redis outage: key current ${keyMs} ms, direct-Redis SDK off ${sdkMs} ms after Redis was back\n`,
    );
    await stream.waitFor(() => stream.snapshot?.flags.find((flag) => flag.key === 'checkout')?.enabled === false);
  });

  it('puts back the snapshot of an environment a replica holds when Redis lost it without any change', async () => {
    const current = await databaseSnapshot();
    await until(async () => (await cached())?.revision === current.revision, 'the key current');
    await redis.stop();
    await redis.start(); // empty, and nothing changes
    const back = Date.now();
    await until(
      async () => {
        const snapshot = await cached();
        return snapshot !== undefined && canonicalSnapshot(snapshot) === canonicalSnapshot(current);
      },
      'the key put back',
      5_000,
    );
    process.stdout.write(`redis restart without changes: key back ${Date.now() - back} ms after Redis was back\n`);
  });
});
