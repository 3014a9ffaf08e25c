import type { Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SwitchyardClient } from '../../../sdk-node/src/index.js';
import { snapshotFromHash } from '../../../sdk-node/src/redis-keys.js';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { snapshotHashKey } from '../../src/propagation/snapshot-hash.js';
import { AdminApi } from './support/api.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { readCounter, startReplica, until, type Replica } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

const WRITER_FLAGS = { a: ['a0', 'a1', 'a2', 'a3'], b: ['b0', 'b1', 'b2', 'b3'] };

/**
 * The snapshot hash written by two replicas that both hold the environment (an SSE stream open to
 * each), while both take writes: the key ends equal to the database, also across a Redis restart
 * in the middle, and direct-Redis readers (a raw HGETALL loop decoding as sdk-node does, and an
 * sdk-node client in Redis mode) never see a revision with the entries of another. Every change is
 * a toggle that flips one flag, bumping its version and the revision by one: so in any whole
 * snapshot, the flags' version increments add up to the revision's, and each flag's `enabled` is
 * its start value flipped once per increment. A torn read breaks one of the two.
 */
describe('the snapshot hash written by two replicas', () => {
  let redis: RedisProcess;
  let reader: Redis;
  let a: ListeningApp;
  let b: Replica;
  let bApi: AdminApi;
  let environmentId: string;
  let streams: SseClient[];
  let sdk: SwitchyardClient;
  let start: Snapshot;
  const torn: string[] = [];
  let reads = 0;
  let reading = true;
  let readLoop: Promise<void>;
  /** Each flag's state as last written by its writer. */
  const on = new Map<string, boolean>();

  const databaseSnapshot = async () => (await buildSnapshot(a.db.prisma, environmentId))!.snapshot;
  /** Why `snapshot` cannot be a snapshot of this history, if it cannot. */
  const inconsistency = (snapshot: Snapshot): string | undefined => {
    let increments = 0;
    for (const flag of snapshot.flags) {
      const initial = start.flags.find((entry) => entry.key === flag.key)!;
      const steps = flag.version - initial.version;
      increments += steps;
      if (flag.enabled !== (steps % 2 === 1 ? !initial.enabled : initial.enabled)) {
        return `revision ${snapshot.revision}: ${flag.key} enabled ${flag.enabled} at version ${flag.version}`;
      }
    }
    const expected = snapshot.revision - start.revision;
    return increments === expected ? undefined : `revision ${snapshot.revision}: ${increments} flag changes`;
  };
  const toggles = async (api: AdminApi, keys: string[], count: number, spacingMs = 0) => {
    for (let index = 0; index < count; index++) {
      const key = keys[index % keys.length]!;
      const next = !on.get(key);
      await api.toggle('shop', key, 'prod', next);
      on.set(key, next);
      if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    }
  };
  /** The replica's `switchyard_snapshot_key_writes_total` by role. */
  const keyWrites = async (baseUrl: string) => {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const count = (role: string) => readCounter(text, 'switchyard_snapshot_key_writes_total', { role });
    return { publisher: count('publisher'), backup: count('backup'), reload: count('reload') };
  };
  const expectKeyCurrent = async (timeoutMs?: number) => {
    const expected = canonicalSnapshot(await databaseSnapshot());
    await until(
      async () => {
        const snapshot = await readSnapshotKey(reader).catch(() => undefined);
        return snapshot !== undefined && canonicalSnapshot(snapshot) === expected;
      },
      'the snapshot key equal to the database',
      timeoutMs,
    );
  };

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    reader = new Redis(redis.url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    reader.on('error', () => {}); // while the test's Redis is stopped
    const propagation = { outboxPollMs: 250, convergenceIntervalMs: 1_000 };
    a = await startListeningApp({ config: { redisUrl: redis.url }, propagation });
    await a.api.createProject('shop');
    await a.api.createEnvironment('shop', 'prod');
    const serverToken = await a.api.createToken('server', 'shop', 'prod');
    for (const key of [...WRITER_FLAGS.a, ...WRITER_FLAGS.b]) {
      await a.api.createFlag('shop', key);
      on.set(key, false);
    }
    environmentId = (await a.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;
    b = await startReplica({ database: a.database, redisUrl: redis.url, propagation });
    bApi = new AdminApi(b.baseUrl, (a.api as unknown as { adminToken: string }).adminToken);
    streams = [a.baseUrl, b.baseUrl].map(
      (base) => new SseClient({ url: `${base}/api/v1/sdk/stream`, token: serverToken, reconnect: true }),
    );
    await Promise.all(streams.map((stream) => stream.connect())); // both replicas hold shop/prod
    start = await databaseSnapshot();
    await expectKeyCurrent();
    sdk = createClient({
      sdkKey: 'sy_server_unused-in-redis-mode',
      redis: { url: redis.url, projectKey: 'shop', environmentKey: 'prod', pollIntervalMs: 200 },
    });
    sdk.on('change', () => {
      const problem = sdk.snapshot && inconsistency(sdk.snapshot);
      if (problem) torn.push(`sdk-node: ${problem}`);
    });
    await sdk.ready();
    readLoop = (async () => {
      while (reading) {
        const fields = await reader.hgetall(snapshotHashKey('shop', 'prod')).catch(() => undefined);
        if (fields === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 20)); // Redis stopped
          continue;
        }
        const snapshot = snapshotFromHash(fields) as Snapshot | null | undefined;
        if (snapshot === null) continue; // Redis came back empty: nothing to read yet
        reads++;
        const problem = snapshot === undefined ? 'an incomplete hash' : inconsistency(snapshot);
        if (problem) torn.push(`HGETALL: ${problem}`);
      }
    })();
  }, 120_000);

  afterAll(async () => {
    reading = false;
    await readLoop;
    await sdk?.close();
    for (const stream of streams ?? []) stream.close();
    await b?.close();
    await a?.close();
    reader?.disconnect();
    await redis?.stop();
  });

  it('ends equal to the database when both replicas take writes at once, with no torn read', async () => {
    await Promise.all([toggles(a.api, WRITER_FLAGS.a, 20), toggles(bApi, WRITER_FLAGS.b, 20)]);
    await expectKeyCurrent();
    const revision = (await databaseSnapshot()).revision;
    expect(revision).toBe(start.revision + 40);
    await until(async () => sdk.revision === revision, 'the direct-Redis SDK at the last revision');
    process.stdout.write(`snapshot hash, two writers: ${reads} direct reads, ${torn.length} torn\n`);
    expect(torn).toEqual([]);
  });

  it('is written once per revision, by the replica that committed it; the other one only checks', async () => {
    const [aBefore, bBefore] = await Promise.all([keyWrites(a.baseUrl), keyWrites(b.baseUrl)]);
    await toggles(a.api, WRITER_FLAGS.a, 10, 20);
    await expectKeyCurrent();
    const revision = (await databaseSnapshot()).revision;
    await until(async () => streams[1]!.revision === revision, 'replica B streaming the last revision');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // B's backup check is due after 1 s
    const [aAfter, bAfter] = await Promise.all([keyWrites(a.baseUrl), keyWrites(b.baseUrl)]);
    expect(aAfter.publisher - aBefore.publisher).toBeGreaterThan(0);
    expect(aAfter.publisher - aBefore.publisher).toBeLessThanOrEqual(10); // fewer when a reload took two at once
    expect(aAfter.backup - aBefore.backup).toBe(0);
    expect(bAfter).toEqual(bBefore); // B wrote nothing: it read the key's revision and found it current
    await expectKeyCurrent();
    expect(torn).toEqual([]);
  });

  it('is written by a backup when the publisher of a revision never wrote it', async () => {
    // A third replica without Redis commits a change: Postgres has it, the key never hears of it.
    // A and B find it with the safety timer, and one of them writes the key a second later.
    const loner = await startReplica({ database: a.database });
    try {
      const lonerApi = new AdminApi(loner.baseUrl, (a.api as unknown as { adminToken: string }).adminToken);
      const [aBefore, bBefore] = await Promise.all([keyWrites(a.baseUrl), keyWrites(b.baseUrl)]);
      await toggles(lonerApi, [WRITER_FLAGS.b[0]!], 1);
      await expectKeyCurrent(10_000);
      const [aAfter, bAfter] = await Promise.all([keyWrites(a.baseUrl), keyWrites(b.baseUrl)]);
      expect(aAfter.backup - aBefore.backup + (bAfter.backup - bBefore.backup)).toBeGreaterThanOrEqual(1);
      expect(aAfter.publisher - aBefore.publisher + (bAfter.publisher - bBefore.publisher)).toBe(0);
    } finally {
      await loner.close();
    }
    expect(torn).toEqual([]);
  });

  it('converges when Redis restarts empty in the middle of the writes', async () => {
    const writes = Promise.all([toggles(a.api, WRITER_FLAGS.a, 16, 50), toggles(bApi, WRITER_FLAGS.b, 16, 50)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.stop(); // no persistence: it comes back empty
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.start();
    await writes;
    await expectKeyCurrent(15_000);
    const revision = (await databaseSnapshot()).revision;
    await until(async () => sdk.revision === revision, 'the direct-Redis SDK at the last revision', 15_000);
    expect(torn).toEqual([]);
  });
});
