import { toClientSnapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { DEFAULT_PROPAGATION_OPTIONS, loadPropagationOptions } from '../../src/propagation/options.js';
import type { ListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, startShopWriter, until, type Replica } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

const GAPS = 'switchyard_propagation_gaps_repaired_total';
const RECEIVED = 'switchyard_changes_received_total';

describe('convergence interval option', () => {
  it('defaults to 5 s and is set by SWITCHYARD_CONVERGENCE_INTERVAL_MS', () => {
    expect(DEFAULT_PROPAGATION_OPTIONS.convergenceIntervalMs).toBe(5_000);
    expect(loadPropagationOptions({}).convergenceIntervalMs).toBe(5_000);
    expect(loadPropagationOptions({ SWITCHYARD_CONVERGENCE_INTERVAL_MS: '250' }).convergenceIntervalMs).toBe(250);
    expect(() => loadPropagationOptions({ SWITCHYARD_CONVERGENCE_INTERVAL_MS: '0' })).toThrow(
      /SWITCHYARD_CONVERGENCE_INTERVAL_MS/,
    );
  });
});

/**
 * The safety net alone: a replica on Redis that never gets a change message (the writer is a
 * replica with an in-process bus, so its commits reach Postgres only) converges through its
 * periodic check against Postgres. The receiver's timer runs every 200 ms here (default 5 s).
 */
describe('safety timer', () => {
  let redis: RedisProcess;
  let writer: ListeningApp;
  let receiver: Replica;
  let serverToken: string;
  let clientToken: string;
  let environmentId: string;
  const streams: SseClient[] = [];

  const databaseSnapshot = async () => (await buildSnapshot(writer.db.prisma, environmentId))!.snapshot;
  const open = async (token: string) => {
    const client = new SseClient({ url: `${receiver.baseUrl}/api/v1/sdk/stream`, token });
    streams.push(client);
    await client.connect();
    await client.waitFor(() => client.snapshot !== undefined, 10_000, 'the put');
    return client;
  };

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    ({ writer, serverToken, clientToken, environmentId } = await startShopWriter());
    receiver = await startReplica({
      database: writer.database,
      redisUrl: redis.url,
      propagation: { convergenceIntervalMs: 200, outboxPollMs: 3_600_000 },
    });
  }, 120_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await receiver?.close();
    await writer?.close();
    await redis?.stop();
  });

  it('brings streams to the database revision when no change message arrives at all', async () => {
    const stream = await open(serverToken);
    const clientStream = await open(clientToken);
    const start = stream.revision!;
    const checksBefore = await receiver.counter(GAPS, { cause: 'check' });

    await writer.api.toggle('shop', 'checkout', 'prod', true);
    await writer.api.toggle('shop', 'ledger', 'prod', true);
    const expected = await databaseSnapshot();
    expect(expected.revision).toBe(start + 2);

    await stream.waitForRevision(expected.revision);
    await clientStream.waitForRevision(expected.revision);
    expect(canonicalSnapshot(stream.snapshot!)).toBe(canonicalSnapshot(expected));
    expect(canonicalSnapshot(clientStream.snapshot!)).toBe(canonicalSnapshot(toClientSnapshot(expected)));
    expect(stream.violations).toEqual([]);
    expect(clientStream.violations).toEqual([]);
    // Both missed revisions arrive as their own patches, in order.
    const patchIds = stream.events.filter((event) => event.event === 'patch').map((event) => Number(event.id));
    expect(patchIds).toEqual([start + 1, start + 2]);
    // The timer found the snapshot behind and reloaded it; no message was involved.
    expect(await receiver.counter(GAPS, { cause: 'check' })).toBeGreaterThan(checksBefore);
    expect(await receiver.counter(GAPS, { cause: 'gap' })).toBe(0);
    expect(await receiver.counter(GAPS, { cause: 'resubscribe' })).toBe(0);
    expect(await receiver.counter(RECEIVED)).toBe(0);
  });

  it('also refreshes the shared snapshot cache, so replicas starting later get the current snapshot', async () => {
    const expected = canonicalSnapshot(await databaseSnapshot());
    const reader = new Redis(redis.url);
    try {
      await until(async () => {
        const cached = await readSnapshotKey(reader);
        return cached !== undefined && canonicalSnapshot(cached) === expected;
      }, 'the cached snapshot');
    } finally {
      reader.disconnect();
    }
  });
});
