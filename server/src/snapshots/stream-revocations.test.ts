import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '../generated/prisma/client.js';
import { ServerMetrics } from '../propagation/metrics.js';
import type { RevocationMessage } from '../propagation/revocation-message.js';
import { SnapshotFeeds } from './snapshot-feeds.js';
import { StreamRevocations } from './stream-revocations.js';

/**
 * What a replica does with a revocation besides ending streams (see
 * test/propagation/revocation.test.ts for that): it evicts the tokens from the verification cache,
 * and for a while refuses to open a stream for a request verified before the revocation arrived.
 */
describe('StreamRevocations', () => {
  function setup() {
    let now = 1_000;
    const evicted: unknown[] = [];
    const published: RevocationMessage[] = [];
    const revocations = new StreamRevocations({
      prisma: undefined as unknown as PrismaClient, // checkStreams is not called here
      bus: {
        publishRevocation: async (message) => {
          published.push(message);
        },
      },
      feeds: new SnapshotFeeds({
        prisma: undefined as unknown as PrismaClient,
        cache: undefined,
        metrics: new ServerMetrics(),
      }),
      cache: { evict: (revoked) => evicted.push(revoked) },
      onError: (error) => {
        throw error;
      },
      rememberMs: 60_000,
      now: () => now,
    });
    return { revocations, evicted, published, advance: (ms: number) => (now += ms) };
  }

  it('announcing applies here, evicts from the cache and publishes', async () => {
    const { revocations, evicted, published } = setup();
    const message = { tokenIds: ['t1'], environmentIds: ['e1'] };
    await revocations.announce(message);
    expect(evicted).toEqual([message]);
    expect(published).toEqual([message]);
  });

  it('refuses principals of revoked tokens and deleted environments for rememberMs', () => {
    const { revocations, advance } = setup();
    expect(revocations.isRevoked({ id: 't1', environmentId: 'e9' })).toBe(false);
    revocations.apply({ tokenIds: ['t1'], environmentIds: ['e1'] });
    expect(revocations.isRevoked({ id: 't1', environmentId: 'e9' })).toBe(true);
    expect(revocations.isRevoked({ id: 't2', environmentId: 'e1' })).toBe(true);
    expect(revocations.isRevoked({ id: 't2', environmentId: 'e9' })).toBe(false);
    advance(60_000);
    expect(revocations.isRevoked({ id: 't1', environmentId: 'e1' })).toBe(false);
  });

  it('a failed publish is reported, never thrown: the other replicas fall back to their timers', async () => {
    const errors: unknown[] = [];
    const revocations = new StreamRevocations({
      prisma: undefined as unknown as PrismaClient,
      bus: { publishRevocation: () => Promise.reject(new Error('Redis is not connected')) },
      feeds: new SnapshotFeeds({
        prisma: undefined as unknown as PrismaClient,
        cache: undefined,
        metrics: new ServerMetrics(),
      }),
      cache: { evict: () => {} },
      onError: (error) => errors.push(error),
    });
    await revocations.announce({ tokenIds: ['t1'], environmentIds: [] });
    expect(errors).toHaveLength(1);
    expect(revocations.isRevoked({ id: 't1' })).toBe(true);
  });
});
