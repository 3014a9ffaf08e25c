import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SwitchyardClient } from '../../../sdk-node/src/index.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { AdminApi } from '../propagation/support/api.js';
import { PostgresProcess } from '../propagation/support/postgres-process.js';
import { ensureServerBuilt, freePort, RedisProcess, ServerProcess } from '../propagation/support/processes.js';
import { until } from '../propagation/support/replica.js';
import { readSnapshotKey } from '../propagation/support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from '../propagation/support/sse-client.js';

const FLAGS = ['f0', 'f1', 'f2', 'f3'];
const WRITERS = 3;

/** One write a writer sent, and how it was answered (`status` 0: no answer). */
interface Write {
  id: string;
  status: number;
  phase: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Chaos, CI-sized: two server processes on a Postgres and a Redis of the test's own, three
 * concurrent writers (toggles and kills, through either replica), and SDKs of every kind (an SSE
 * stream on each replica, a Node SDK over HTTP, a Node SDK in direct Redis mode), while Redis is
 * killed and comes back empty, a replica is SIGKILLed and restarted, and Postgres is stopped and
 * started. At the end every SDK must hold exactly the database's snapshot, and every acknowledged
 * write (200, or 202 for a kill during the Postgres outage) must be in the audit log exactly once
 * (writes without an answer at most once).
 */
describe('chaos', () => {
  let postgres: PostgresProcess;
  let redis: RedisProcess;
  let db: Database;
  const servers: ServerProcess[] = [];
  let apis: AdminApi[];
  let adminToken: string;
  let serverToken: string;
  let environmentId: string;
  const streams: SseClient[] = [];
  const sdks: SwitchyardClient[] = [];

  beforeAll(async () => {
    ensureServerBuilt();
    postgres = new PostgresProcess(await freePort());
    await postgres.start();
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE chaos');
    await admin.end();
    redis = new RedisProcess(await freePort());
    await redis.start();
    adminToken = `chaos-admin-${randomBytes(12).toString('hex')}`;
    for (let i = 0; i < 2; i++) {
      const server = new ServerProcess({
        port: await freePort(),
        databaseUrl: postgres.url('chaos'),
        redisUrl: redis.url,
        adminToken,
        env: { SWITCHYARD_CONVERGENCE_INTERVAL_MS: '1000', SWITCHYARD_OUTBOX_POLL_MS: '250', LOG_LEVEL: 'warn' },
      });
      await server.start(); // one at a time: the first one migrates
      servers.push(server);
    }
    apis = servers.map((server) => new AdminApi(server.baseUrl, adminToken));
    await apis[0]!.createProject('shop');
    await apis[0]!.createEnvironment('shop', 'prod');
    serverToken = await apis[0]!.createToken('server', 'shop', 'prod');
    for (const flag of FLAGS) await apis[0]!.createFlag('shop', flag);
    db = await openDatabase({ databaseUrl: postgres.url('chaos'), dataDir: '.' });
    environmentId = (await db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;

    for (const server of servers) {
      const stream = new SseClient({ url: `${server.baseUrl}/api/v1/sdk/stream`, token: serverToken, reconnect: true });
      await stream.connect();
      streams.push(stream);
      await apis[servers.indexOf(server)]!.request('GET', '/projects'); // each replica verifies the admin token
    }
    sdks.push(
      createClient({
        sdkKey: serverToken,
        url: servers[1]!.baseUrl,
        reconnectMinMs: 100,
        reconnectMaxMs: 1_000,
        metrics: false,
      }),
      createClient({
        sdkKey: 'sy_server_unused-in-redis-mode',
        redis: { url: redis.url, projectKey: 'shop', environmentKey: 'prod', pollIntervalMs: 2_000 },
      }),
    );
    await Promise.all(sdks.map((sdk) => sdk.ready()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(sdks.map((sdk) => sdk.close()));
    for (const stream of streams) stream.close();
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await db?.close();
    await redis?.stop();
    await postgres?.destroy();
  });

  it('ends with every SDK equal to the database and every acknowledged write audited exactly once', async () => {
    const writes: Write[] = [];
    let phase = 'calm';
    let stopped = false;
    const writer = async (w: number) => {
      for (let n = 0; !stopped; n++) {
        const id = `chaos-w${w}-${n}`;
        const flag = FLAGS[(w + n) % FLAGS.length]!;
        const server = servers[(w + n) % servers.length]!;
        const action = n % 5 === 4 ? 'kill' : n % 2 === 0 ? 'on' : 'off';
        let status = 0;
        try {
          const response = await fetch(
            `${server.baseUrl}/api/v1/projects/shop/flags/${flag}/environments/prod/${action}`,
            {
              method: 'POST',
              headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ reason: id }),
              signal: AbortSignal.timeout(10_000),
            },
          );
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = 0; // refused (replica down) or cut: unknown outcome
        }
        writes.push({ id, status, phase });
        await sleep(40);
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    await sleep(2_000);
    phase = 'redis down';
    await redis.stop();
    await sleep(3_000);
    await redis.start(); // empty: no persistence
    phase = 'redis back';
    await sleep(2_000);
    phase = 'replica killed';
    await servers[0]!.stop('SIGKILL');
    await sleep(2_000);
    await servers[0]!.start();
    phase = 'replica back';
    await sleep(2_000);
    phase = 'postgres down';
    await postgres.stop();
    await sleep(4_000);
    await postgres.start();
    phase = 'postgres back';
    await sleep(3_000);
    stopped = true;
    await Promise.all(writers);

    const settled = Date.now();
    let drained = -1;
    const expected = async () => canonicalSnapshot((await buildSnapshot(db.prisma, environmentId))!.snapshot);
    const key = new Redis(redis.url);
    const held = async (): Promise<(Snapshot | undefined)[]> => [
      ...streams.map((stream) => stream.snapshot),
      ...sdks.map((sdk) => sdk.snapshot),
      await readSnapshotKey(key),
    ];
    try {
      // Kills accepted while Postgres was down are recorded once it is back: then nothing is pending.
      await until(async () => (await key.hlen('switchyard:pending-kills')) === 0, 'the pending kills recorded', 20_000);
      const drainedMs = Date.now() - settled;
      await until(
        async () => {
          const truth = await expected().catch(() => undefined);
          const snapshots = await held();
          return truth !== undefined && snapshots.every((s) => s !== undefined && canonicalSnapshot(s) === truth);
        },
        'every SDK equal to the database',
        30_000,
      ).catch(async (error: unknown) => {
        const truth = await expected();
        const differing = (await held()).map((s) => (s ? canonicalSnapshot(s) === truth : 'none'));
        throw new Error(`${String(error)}; equal per SDK (2 streams, HTTP SDK, direct SDK, key): ${differing}`);
      });
      drained = drainedMs;
    } finally {
      for (const server of servers)
        writeFileSync(join(tmpdir(), `switchyard-chaos-${server.options.port}.log`), server.output.join(''));
      key.disconnect();
    }
    const convergedMs = Date.now() - settled;

    const events = await db.prisma.auditEvent.findMany({
      where: { reason: { startsWith: 'chaos-' } },
      select: { reason: true },
    });
    const audited = new Map<string, number>();
    for (const { reason } of events) {
      const id = /^chaos-w\d+-\d+/.exec(reason ?? '')![0];
      audited.set(id, (audited.get(id) ?? 0) + 1);
    }
    const acknowledged = writes.filter((write) => write.status === 200 || write.status === 202);
    const missing = acknowledged.filter((write) => audited.get(write.id) !== 1);
    const twice = writes.filter((write) => (audited.get(write.id) ?? 0) > 1);
    const unexpected = writes.filter((write) => ![0, 200, 202, 503].includes(write.status));

    const byPhase = new Map<string, Record<string, number>>();
    for (const write of writes) {
      const counts = byPhase.get(write.phase) ?? {};
      counts[String(write.status)] = (counts[String(write.status)] ?? 0) + 1;
      byPhase.set(write.phase, counts);
    }
    process.stdout.write(
      `chaos: ${writes.length} writes, ${acknowledged.length} acknowledged, ${writes.filter((w) => w.status === 202).length} kills accepted while Postgres was down; ` +
        `pending kills recorded ${drained} ms and SDKs equal to the database ${convergedMs} ms after the writers stopped\n` +
        [...byPhase].map(([name, counts]) => `  ${name}: ${JSON.stringify(counts)}`).join('\n') +
        '\n',
    );
    expect(unexpected).toEqual([]);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
    expect(writes.some((write) => write.status === 202)).toBe(true);
  }, 120_000);
});
