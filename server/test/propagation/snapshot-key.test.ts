import type { Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { AdminApi } from './support/api.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, until, type Replica } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot } from './support/sse-client.js';

/** Successful Lua script runs since the last CONFIG RESETSTAT (the snapshot key's writes are scripts). */
async function scriptRuns(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let runs = 0;
  for (const match of info.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+),.*failed_calls=(\d+)/gm)) {
    runs += Number(match[1]) - Number(match[2]); // an EVALSHA refused with NOSCRIPT is a failed call
  }
  return runs;
}

/**
 * The snapshot key direct-Redis SDKs read (`switchyard:snapshot-v2:<project>:<env>`) follows every
 * committed change even when no replica holds the environment (no SDK stream, no recent snapshot
 * request): the replica that publishes a change writes the key. Two replicas on one Postgres and a
 * Redis of the test's own; outbox polls are off (an hour), so only the tests' own drains run.
 */
describe('the Redis snapshot key of environments no replica holds', () => {
  let redis: RedisProcess;
  let reader: Redis;
  let a: ListeningApp;
  let b: Replica;
  let bApi: AdminApi;
  let serverToken: string;
  let environmentId: string;

  const databaseSnapshot = async () => (await buildSnapshot(a.db.prisma, environmentId))!.snapshot;
  const cached = (): Promise<Snapshot | undefined> => readSnapshotKey(reader);
  /** Waits until the key holds exactly what the database has now. */
  const expectKeyCurrent = async () => {
    const expected = await databaseSnapshot();
    await until(async () => {
      const snapshot = await cached();
      return snapshot !== undefined && canonicalSnapshot(snapshot) === canonicalSnapshot(expected);
    }, `the snapshot key at revision ${expected.revision}`);
  };
  const held = () => a.app.propagation.feeds.size + b.app.propagation.feeds.size;

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    reader = new Redis(redis.url);
    reader.on('error', () => {}); // while the test's Redis is stopped
    const propagation = { outboxPollMs: 3_600_000 };
    a = await startListeningApp({ config: { redisUrl: redis.url }, propagation });
    await a.api.createProject('shop');
    await a.api.createEnvironment('shop', 'prod');
    serverToken = await a.api.createToken('server', 'shop', 'prod');
    await a.api.createFlag('shop', 'checkout');
    await a.api.createFlag('shop', 'ledger');
    environmentId = (await a.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;
    await a.app.propagation.publisher.drain(); // every row marked: B's start-up drain finds none
    b = await startReplica({ database: a.database, redisUrl: redis.url, propagation });
    bApi = new AdminApi(b.baseUrl, (a.api as unknown as { adminToken: string }).adminToken);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    reader?.disconnect();
    await redis?.stop();
  });

  it('reaches every committed revision, whichever replica committed it', async () => {
    await expectKeyCurrent(); // the set-up's own changes
    await a.api.toggle('shop', 'checkout', 'prod', true);
    await expectKeyCurrent();
    await bApi.toggle('shop', 'ledger', 'prod', true);
    await expectKeyCurrent();
    expect(held()).toBe(0);
  });

  it('stays current after the last replica holding the environment dropped it as idle', async () => {
    expect((await a.api.snapshot(serverToken)).status).toBe(200); // A holds it now
    expect(a.app.propagation.feeds.size).toBe(1);
    await a.api.toggle('shop', 'checkout', 'prod', false);
    await expectKeyCurrent();
    // What the safety timer does after 10 idle minutes, with a 0 ms idle limit instead.
    const { feeds } = a.app.propagation;
    await until(async () => {
      await feeds.checkAll('check', 0);
      return feeds.size === 0;
    }, 'the idle feed dropped');
    expect(held()).toBe(0);

    await bApi.toggle('shop', 'checkout', 'prod', true);
    await expectKeyCurrent();
    await a.api.toggle('shop', 'ledger', 'prod', false);
    await expectKeyCurrent();
  });

  it('is written once per change, by the replica that published it', async () => {
    expect(held()).toBe(0);
    await reader.config('RESETSTAT');
    const toggles = [
      () => a.api.toggle('shop', 'checkout', 'prod', false),
      () => bApi.toggle('shop', 'checkout', 'prod', true),
      () => a.api.toggle('shop', 'ledger', 'prod', true),
      () => bApi.toggle('shop', 'ledger', 'prod', false),
    ];
    for (const toggle of toggles) {
      await toggle();
      await expectKeyCurrent();
    }
    expect(await scriptRuns(reader)).toBe(toggles.length);
    // Each as the toggled flag and the revision (two HSETs), not the whole snapshot (six here).
    const hsets = /^cmdstat_hset:calls=(\d+)/m.exec(await reader.info('commandstats'))?.[1];
    expect(Number(hsets)).toBe(2 * toggles.length);
  });

  it('never goes back to an older revision', async () => {
    const current = (await cached())!;
    const older: Snapshot = { ...current, revision: current.revision - 1, flags: [] };
    await a.app.propagation.bus.snapshots!.set(older);
    expect(canonicalSnapshot((await cached())!)).toBe(canonicalSnapshot(current));
  });

  it('gets a change committed while Redis was down once the outbox publishes it', async () => {
    await redis.stop(); // no persistence: Redis comes back empty
    await a.api.toggle('shop', 'checkout', 'prod', false);
    await redis.start(); // empty; A publishes the outbox as soon as it resubscribed, so no "still missing" check
    await until(async () => {
      await a.app.propagation.publisher.drain(); // what the outbox poll does (fails until A reconnected)
      const snapshot = await cached();
      return snapshot !== undefined && snapshot.revision === (await databaseSnapshot()).revision;
    }, 'the drained change in the snapshot key');
    await expectKeyCurrent();
    expect(held()).toBe(0);
  });
});
