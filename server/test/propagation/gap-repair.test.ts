import { toClientSnapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import type { ListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, startShopWriter, until, type Replica } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

const GAPS = 'switchyard_propagation_gaps_repaired_total';
const RECEIVED = 'switchyard_changes_received_total';

/**
 * Gap repair on a replica that hears of changes only through Redis. The writer is a replica on the
 * same database with an in-process bus: its commits reach Postgres (revision, outbox row) but never
 * Redis, so the test alone decides which change messages the receiver gets, and in what order, by
 * publishing them on the environment's channel itself. The receiver's safety timer and outbox poll
 * are set to an hour, so nothing but the messages (or the Redis reconnect) makes it reload.
 */
describe('gap repair from change messages', () => {
  let redis: RedisProcess;
  let publisher: Redis;
  let writer: ListeningApp;
  let receiver: Replica;
  let serverToken: string;
  let clientToken: string;
  let environmentId: string;
  const streams: SseClient[] = [];

  const revision = () => writer.api.revision('shop', 'prod');
  const databaseSnapshot = async () => (await buildSnapshot(writer.db.prisma, environmentId))!.snapshot;
  /** A change message as a replica publishes it (the literal channel name is the protocol's). */
  const announce = (revisionNumber: number, flags: string[]) =>
    publisher.publish(
      'switchyard:changes:shop:prod',
      JSON.stringify({
        projectKey: 'shop',
        environmentKey: 'prod',
        revision: revisionNumber,
        changed: { flags, segments: [] },
      }),
    );
  const open = async (token: string) => {
    const client = new SseClient({ url: `${receiver.baseUrl}/api/v1/sdk/stream`, token });
    streams.push(client);
    await client.connect();
    await client.waitFor(() => client.snapshot !== undefined, 10_000, 'the put');
    return client;
  };
  const patchIds = (client: SseClient) =>
    client.events.filter((event) => event.event === 'patch').map((event) => Number(event.id));
  /** The stream holds exactly what the database has now (client streams: the client view). */
  const expectCurrent = async (client: SseClient, view: 'server' | 'client' = 'server') => {
    const expected = await databaseSnapshot();
    await client.waitForRevision(expected.revision);
    expect(canonicalSnapshot(client.snapshot!)).toBe(
      canonicalSnapshot(view === 'server' ? expected : toClientSnapshot(expected)),
    );
    expect(client.violations).toEqual([]);
  };

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    publisher = new Redis(redis.url);
    publisher.on('error', () => {}); // while the test's Redis is stopped
    ({ writer, serverToken, clientToken, environmentId } = await startShopWriter());
    receiver = await startReplica({
      database: writer.database,
      redisUrl: redis.url,
      propagation: { convergenceIntervalMs: 3_600_000, outboxPollMs: 3_600_000 },
    });
    // Messages published before the receiver's PSUBSCRIBE went through would be lost.
    await until(async () => Number(await publisher.pubsub('NUMPAT')) === 1, "the receiver's subscription");
  }, 120_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await receiver?.close();
    await writer?.close();
    publisher?.disconnect();
    await redis?.stop();
  });

  it('the writer is detached from Redis: its commits reach the receiver only as the test announces them', () => {
    expect(writer.app.propagation.bus.kind).toBe('memory');
    expect(receiver.app.propagation.bus.kind).toBe('redis');
    expect(receiver.app.propagation.options.convergenceIntervalMs).toBe(3_600_000);
  });

  it('applies the next revision without counting a gap, reloads everything when one was skipped', async () => {
    const stream = await open(serverToken);
    const clientStream = await open(clientToken);
    const start = stream.revision!;
    expect(start).toBe(await revision());

    // In order: N+1 after N is no gap.
    await writer.api.toggle('shop', 'ledger', 'prod', true);
    expect(await revision()).toBe(start + 1);
    await announce(start + 1, ['ledger']);
    await expectCurrent(stream);
    expect(await receiver.counter(GAPS, { cause: 'gap' })).toBe(0);

    // N+1's message is dropped: two commits, only the second is announced.
    await writer.api.toggle('shop', 'checkout', 'prod', true);
    await writer.api.toggle('shop', 'ledger', 'prod', false);
    expect(await revision()).toBe(start + 3);
    await announce(start + 3, ['ledger']);
    await expectCurrent(stream);
    await expectCurrent(clientStream, 'client');
    // Each missed revision still arrives as its own patch, in order, so SDKs keep the R-1 → R rule.
    expect(patchIds(stream)).toEqual([start + 1, start + 2, start + 3]);
    expect(stream.snapshot!.flags.find((flag) => flag.key === 'checkout')!.enabled).toBe(true);
    expect(patchIds(clientStream)).toEqual([start + 1, start + 2, start + 3]);
    expect(clientStream.snapshot!.flags.map((flag) => flag.key)).toEqual(['checkout']);
    expect(await receiver.counter(GAPS, { cause: 'gap' })).toBe(1);
    expect(await receiver.counter(GAPS, { cause: 'check' })).toBe(0);
    expect(await receiver.counter(GAPS, { cause: 'resubscribe' })).toBe(0);
    expect(await receiver.counter(RECEIVED)).toBe(2);

    // The reload also refreshed the shared snapshot cache other replicas start from.
    const expected = canonicalSnapshot(await databaseSnapshot());
    await expect
      .poll(async () => {
        const cached = await readSnapshotKey(publisher);
        return cached === undefined ? null : canonicalSnapshot(cached);
      })
      .toBe(expected);
  });

  it('ignores a message that arrives after a newer one was applied (out of order)', async () => {
    const stream = await open(serverToken);
    const start = stream.revision!;
    const gapsBefore = await receiver.counter(GAPS, { cause: 'gap' });
    const receivedBefore = await receiver.counter(RECEIVED);

    await writer.api.toggle('shop', 'ledger', 'prod', true);
    await writer.api.toggle('shop', 'checkout', 'prod', false);
    // N+2 first: a gap, repaired by a full reload.
    await announce(start + 2, ['checkout']);
    await expectCurrent(stream);
    // N+1 late: already applied, so nothing is sent and nothing is counted.
    await announce(start + 1, ['ledger']);
    // N+3 in order. Pub/sub keeps one publisher's order on a channel, so once N+3 is on the
    // stream, the late N+1 has been handled.
    await writer.api.toggle('shop', 'ledger', 'prod', false);
    await announce(start + 3, ['ledger']);
    await expectCurrent(stream);

    expect(patchIds(stream)).toEqual([start + 1, start + 2, start + 3]);
    expect(await receiver.counter(RECEIVED)).toBe(receivedBefore + 3);
    expect(await receiver.counter(GAPS, { cause: 'gap' })).toBe(gapsBefore + 1);
    expect(await receiver.counter(GAPS, { cause: 'check' })).toBe(0);
  });

  it('reloads after the Redis subscription comes back from an outage (cause resubscribe)', async () => {
    const stream = await open(serverToken);
    const start = stream.revision!;
    const before = await receiver.counter(GAPS, { cause: 'resubscribe' });

    await redis.stop();
    await writer.api.toggle('shop', 'checkout', 'prod', true);
    await writer.api.toggle('shop', 'ledger', 'prod', true);
    await redis.start();
    // Nobody announces these two commits: the receiver reloads because its subscription was down.
    await expectCurrent(stream);
    expect(patchIds(stream)).toEqual([start + 1, start + 2]);
    expect(await receiver.counter(GAPS, { cause: 'resubscribe' })).toBe(before + 1);
    expect(await receiver.counter(GAPS, { cause: 'check' })).toBe(0);
  });

  // The timer runs checkAll; here the test runs it, so it decides how many checks a reload spans.
  it('counts a check as a repair only when it finds a revision the replica did not know of', async () => {
    const stream = await open(serverToken);
    const start = stream.revision!;
    const { feeds } = receiver.app.propagation;
    const held = () => feeds.feed(environmentId).state!.revision;
    const checks = () => receiver.counter(GAPS, { cause: 'check' });
    const checksBefore = await checks();
    const gapsBefore = await receiver.counter(GAPS, { cause: 'gap' });
    // A reload reads `segments`, the revision check only `environments`: while this transaction
    // holds `segments` exclusively, reloads wait, i.e. a reload slower than any number of checks.
    const blocker = new pg.Client({ connectionString: writer.database.url });
    await blocker.connect();
    const blockReloads = async () => {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE segments IN ACCESS EXCLUSIVE MODE');
    };
    try {
      // A revision nobody announced: the first check finds it; the ones during its reload do not.
      await writer.api.toggle('shop', 'ledger', 'prod', true);
      await blockReloads();
      for (let run = 0; run < 3; run++) await feeds.checkAll('check');
      expect(held()).toBe(start); // still reloading
      expect(await checks()).toBe(checksBefore + 1);
      await blocker.query('COMMIT');
      await expectCurrent(stream);
      expect(await checks()).toBe(checksBefore + 1);

      // A check that comes while a message's reload runs finds nothing new either.
      const receivedBefore = await receiver.counter(RECEIVED);
      await writer.api.toggle('shop', 'ledger', 'prod', false);
      await blockReloads();
      await announce(start + 2, ['ledger']);
      await until(async () => (await receiver.counter(RECEIVED)) === receivedBefore + 1, 'the message');
      await feeds.checkAll('check');
      expect(held()).toBe(start + 1);
      expect(await checks()).toBe(checksBefore + 1);
      await blocker.query('COMMIT');
      await expectCurrent(stream);
      expect(patchIds(stream)).toEqual([start + 1, start + 2]);
      expect(await checks()).toBe(checksBefore + 1);
      expect(await receiver.counter(GAPS, { cause: 'gap' })).toBe(gapsBefore);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      await blocker.end();
    }
  });
});
