import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from './support/cluster.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

const FLAGS = Array.from({ length: 20 }, (_, index) => `flag-${index}`);
/** SOAK_WRITES overrides (e.g. a quick run on a busy machine). */
const WRITES = Number(process.env['SOAK_WRITES'] ?? 2_000);
const WRITERS = 8;
const STREAMS = 20;

/** A seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Soak: 20 streams over two processes, 2,000 random writes through both, Redis restarted halfway.
 * At the end every stream's snapshot (put + patches applied with core's applyPatch) must be the
 * database's, byte for byte in canonical JSON, with no protocol violation on the way.
 */
describe('propagation soak', () => {
  let cluster: Cluster;
  let serverToken: string;
  let clientToken: string;
  const streams: SseClient[] = [];
  const seed = Number(process.env['SOAK_SEED'] ?? Date.now() % 1_000_000);

  beforeAll(async () => {
    cluster = await startCluster(2);
    const [a] = cluster.apis;
    await a!.createProject('soak');
    await a!.createEnvironment('soak', 'prod');
    serverToken = await a!.createToken('server', 'soak', 'prod');
    clientToken = await a!.createToken('client', 'soak', 'prod');
    for (const [index, key] of FLAGS.entries()) await a!.createFlag('soak', key, { clientSide: index % 4 === 0 });
  }, 180_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await cluster?.close();
  });

  it(`${STREAMS} streams converge to the database after ${WRITES} writes and a Redis restart (seed ${seed})`, async () => {
    for (let i = 0; i < STREAMS; i++) {
      const server = cluster.servers[i % 2]!;
      const token = i % 5 === 4 ? clientToken : serverToken;
      const client = new SseClient({ url: `${server.baseUrl}/api/v1/sdk/stream`, token, reconnect: true });
      streams.push(client);
      await client.connect();
    }
    const next = random(seed);
    let issued = 0;
    let restarted: Promise<void> | undefined;
    const writer = async (id: number) => {
      while (issued < WRITES) {
        const n = issued++;
        if (n === Math.floor(WRITES / 2)) {
          restarted = (async () => {
            await cluster.redis.stop();
            await new Promise((resolve) => setTimeout(resolve, 500));
            await cluster.redis.start();
          })();
        }
        const api = cluster.apis[(id + n) % 2]!;
        const flag = FLAGS[Math.floor(next() * FLAGS.length)]!;
        if (next() < 0.1) await api.updateFlag('soak', flag, { clientSide: next() < 0.5 });
        else await api.toggle('soak', flag, 'prod', next() < 0.5);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id)));
    await restarted;

    const server = await cluster.databaseSnapshot('prod');
    const client = await cluster.databaseSnapshot('prod', 'client');
    for (const [index, stream] of streams.entries()) {
      const expected = index % 5 === 4 ? client : server;
      await stream.waitForRevision(expected.revision, 20_000);
      expect(stream.violations).toEqual([]);
      expect(canonicalSnapshot(stream.snapshot!)).toBe(canonicalSnapshot(expected));
    }
    expect(server.revision).toBeGreaterThanOrEqual(WRITES);
  }, 600_000);
});
