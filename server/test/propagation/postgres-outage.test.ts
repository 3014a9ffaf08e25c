import type { Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SwitchyardClient } from '../../../sdk-node/src/index.js';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import type { TestDatabase } from '../helpers/db.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { PostgresProcess } from './support/postgres-process.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, until, type Replica } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

const KILL = '/projects/shop/flags/checkout/environments/prod/kill';

/**
 * Postgres stops while two replicas (A, B) share a Redis: SDK endpoints keep serving tokens they
 * verified before, other requests answer 503 with Retry-After (never 500), and the kill switch
 * still works: accepted (202), kept in Redis, served to every SDK (a stream on the other replica, a
 * direct-Redis client) at once, and recorded with exactly one audit event once Postgres is back,
 * even though the replica that accepted it is gone by then.
 */
describe('a Postgres outage', () => {
  let postgres: PostgresProcess;
  let redis: RedisProcess;
  let database: TestDatabase;
  let a: ListeningApp;
  let b: Replica;
  let adminToken: string;
  /** An admin token no replica ever verified (an operator who did not use the API lately). */
  let operatorToken: string;
  let ledgerKillId: string;
  let devKillId: string;
  let devKeyDuringOutage: Snapshot;
  let serverToken: string;
  let environmentId: string;
  let stream: SseClient;
  let sdk: SwitchyardClient;
  let restarted: Replica | undefined;
  const propagation = { outboxPollMs: 250, convergenceIntervalMs: 1_000 };

  const checkoutEnabled = (snapshot: { flags: { key: string; enabled: boolean }[] } | undefined) =>
    snapshot?.flags.find((flag) => flag.key === 'checkout')?.enabled;
  const call = (baseUrl: string, method: string, path: string, token: string, body?: unknown) =>
    fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    postgres = new PostgresProcess(await freePort());
    await postgres.start();
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE switchyard');
    await admin.end();
    database = { url: postgres.url('switchyard'), name: 'switchyard', drop: async () => {} };
    redis = new RedisProcess(await freePort());
    await redis.start();
    a = await startListeningApp({ database, config: { redisUrl: redis.url }, propagation });
    adminToken = (a.api as unknown as { adminToken: string }).adminToken;
    await a.api.createProject('shop');
    await a.api.createEnvironment('shop', 'prod');
    await a.api.createEnvironment('shop', 'dev'); // no replica will hold it: only its Redis key
    serverToken = await a.api.createToken('server', 'shop', 'prod');
    await a.api.createFlag('shop', 'checkout');
    await a.api.createFlag('shop', 'ledger');
    await a.api.toggle('shop', 'checkout', 'prod', true);
    await a.api.toggle('shop', 'ledger', 'prod', true);
    environmentId = (await a.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;
    operatorToken = (await a.api.request<{ secret: string }>('POST', '/tokens', { name: 'operator', kind: 'admin' }))
      .secret;
    b = await startReplica({ database, redisUrl: redis.url, propagation });
    // Each replica verifies the tokens once (and holds shop/prod) before the outage.
    expect((await a.api.snapshot(serverToken)).status).toBe(200);
    expect((await call(b.baseUrl, 'GET', '/projects', adminToken)).status).toBe(200);
    stream = new SseClient({ url: `${b.baseUrl}/api/v1/sdk/stream`, token: serverToken, reconnect: true });
    await stream.connect();
    await stream.waitFor(() => checkoutEnabled(stream.snapshot) === true);
    sdk = createClient({
      sdkKey: 'sy_server_unused-in-redis-mode',
      redis: { url: redis.url, projectKey: 'shop', environmentKey: 'prod', pollIntervalMs: 60_000 },
    });
    await sdk.ready();
    expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(200); // what an orchestrator keeps probing
    await postgres.stop();
    // Past the 5 s token verification cache: every verification now needs the database.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
  }, 120_000);

  afterAll(async () => {
    await sdk?.close();
    stream?.close();
    await restarted?.close();
    await b?.close();
    await a?.close().catch(() => {});
    await redis?.stop();
    await postgres?.destroy();
  });

  it('keeps the SDK endpoints serving verified tokens, and answers what needs the database with 503', async () => {
    for (const baseUrl of [a.baseUrl, b.baseUrl]) {
      const snapshot = await call(baseUrl, 'GET', '/sdk/snapshot', serverToken);
      expect(snapshot.status).toBe(200);
      expect(checkoutEnabled((await snapshot.json()) as never)).toBe(true);
    }
    const late = new SseClient({ url: `${a.baseUrl}/api/v1/sdk/stream`, token: serverToken });
    await late.connect();
    await late.waitFor(() => late.snapshot !== undefined);
    late.close();

    // Still ready (the load balancer keeps sending SDKs here), but saying it is degraded.
    const ready = await fetch(`${b.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded' });

    const write = await call(a.baseUrl, 'POST', '/projects/shop/flags/ledger/environments/prod/off', adminToken, {});
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await write.json()).toMatchObject({ error: 'unavailable' });
    const read = await call(b.baseUrl, 'GET', '/projects/shop', adminToken);
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toMatch(/^\d+$/);
    // An active admin token B never verified still passes (B read the active tokens when it started
    // authenticating): the kill switch answers whoever holds a valid token.
    const operatorKill = await call(b.baseUrl, 'POST', KILL.replace('checkout', 'ledger'), operatorToken, {
      reason: 'operator',
    });
    expect(operatorKill.status).toBe(202);
    ledgerKillId = ((await operatorKill.json()) as { id: string }).id;
    // An environment no replica holds: checked against, and applied to, its Redis snapshot key.
    const key = new Redis(redis.url);
    try {
      const before = (await readSnapshotKey(key, 'shop', 'dev'))!;
      const devKill = await call(a.baseUrl, 'POST', KILL.replace('prod', 'dev'), adminToken, { reason: 'dev' });
      expect(devKill.status).toBe(202);
      devKillId = ((await devKill.json()) as { id: string }).id;
      devKeyDuringOutage = (await readSnapshotKey(key, 'shop', 'dev'))!;
      expect(devKeyDuringOutage.revision).toBe(before.revision + 1);
      const killedFlag = devKeyDuringOutage.flags.find((flag) => flag.key === 'checkout')!;
      expect(killedFlag.version).toBe(before.flags.find((flag) => flag.key === 'checkout')!.version + 1);
      expect(killedFlag.enabled).toBe(false);
    } finally {
      key.disconnect();
    }
    expect(a.app.propagation.feeds.servedByKeys('shop', 'dev')).toBeUndefined();

    // A token that no replica knows cannot be checked: 503, not 401 and not 500.
    const unknown = await call(a.baseUrl, 'GET', '/sdk/snapshot', `sy_server_${'x'.repeat(43)}`);
    expect(unknown.status).toBe(503);
  });

  it('accepts a kill, serves it to every SDK at once, and records it exactly once when Postgres is back', async () => {
    const started = Date.now();
    const response = await call(a.baseUrl, 'POST', KILL, adminToken, { reason: 'incident 42' });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { id: string; pending: boolean };
    expect(accepted.pending).toBe(true);
    await stream.waitFor(() => checkoutEnabled(stream.snapshot) === false, 10_000, 'the kill on the stream');
    const streamMs = Date.now() - started;
    await until(async () => !sdk.isEnabled('checkout', {}), 'the kill in the direct-Redis SDK', 10_000);
    const sdkMs = Date.now() - started;
    const servedDuringOutage = stream.snapshot!;
    const snapshot = await call(b.baseUrl, 'GET', '/sdk/snapshot', serverToken);
    expect(checkoutEnabled((await snapshot.json()) as never)).toBe(false);
    process.stdout.write(
      `postgres outage: kill → SSE stream on the other replica ${streamMs} ms, direct-Redis SDK ${sdkMs} ms\n`,
    );

    // The replica that accepted it goes away; the kill is in Redis, and B keeps serving it.
    // (A replica cannot start while Postgres is down: it checks the schema first.)
    await a.close().catch(() => {});
    expect(checkoutEnabled((await (await call(b.baseUrl, 'GET', '/sdk/snapshot', serverToken)).json()) as never)).toBe(
      false,
    );

    // Redis restarts without persistence while Postgres is still down: B stores the kill again.
    await redis.stop();
    await redis.start();
    const inspect = new Redis(redis.url);
    try {
      await until(async () => (await inspect.hlen('switchyard:pending-kills')) === 3, 'the pending kills stored again');
      await until(async () => (await readSnapshotKey(inspect)) !== undefined, 'the snapshot key back');
    } finally {
      inspect.disconnect();
    }
    expect(sdk.isEnabled('checkout', {})).toBe(false);

    await postgres.start();
    const prisma = b.db.prisma;
    const kills = () => prisma.auditEvent.findMany({ where: { action: 'flag_config.killed' } });
    await until(async () => (await kills().catch(() => [])).length === 3, 'every kill recorded', 20_000);
    restarted = await startReplica({ database, redisUrl: redis.url, propagation }); // its drainer runs too
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const events = await kills();
    expect(events.map((event) => event.actor).sort()).toEqual(['admin (generated)', 'admin (generated)', 'operator']);
    expect(events.filter((event) => event.reason?.includes(accepted.id))).toHaveLength(1);
    expect(events.filter((event) => event.reason?.includes(ledgerKillId))).toHaveLength(1);
    expect(events.filter((event) => event.reason?.includes(devKillId))).toHaveLength(1);
    // The environment nobody held: its key during the outage is what the database now has.
    const devId = (await prisma.environment.findFirstOrThrow({ where: { key: 'dev' } })).id;
    expect(canonicalSnapshot(devKeyDuringOutage)).toBe(
      canonicalSnapshot((await buildSnapshot(prisma, devId))!.snapshot),
    );
    expect(events.find((event) => event.reason?.includes(accepted.id))!.reason).toContain('incident 42');
    const expected = (await buildSnapshot(prisma, environmentId))!.snapshot;
    expect(checkoutEnabled(expected)).toBe(false);
    // What SDKs were served during the outage is exactly the database's snapshot once it is recorded
    // (same revision, same contents), so an SDK that keeps it is equal to the database.
    expect(canonicalSnapshot(servedDuringOutage)).toBe(canonicalSnapshot(expected));
    await until(
      async () => stream.snapshot !== undefined && canonicalSnapshot(stream.snapshot) === canonicalSnapshot(expected),
      'the stream equal to the database',
    );
    const key = new Redis(redis.url);
    try {
      await until(async () => {
        const snapshot = await readSnapshotKey(key);
        return snapshot !== undefined && canonicalSnapshot(snapshot) === canonicalSnapshot(expected);
      }, 'the snapshot key equal to the database');
    } finally {
      key.disconnect();
    }
    expect(sdk.isEnabled('checkout', {})).toBe(false);
  });

  it('answers a restore during the outage, and a kill with Redis down too, with 503', async () => {
    await postgres.stop();
    const restore = await call(b.baseUrl, 'POST', KILL.replace(/kill$/, 'restore'), adminToken, {});
    expect(restore.status).toBe(503);
    expect(restore.headers.get('retry-after')).toMatch(/^\d+$/);
    await redis.stop();
    const kill = await call(b.baseUrl, 'POST', KILL, adminToken, { reason: 'second incident' });
    expect(kill.status).toBe(503);
    expect(kill.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await kill.json()).toMatchObject({ error: 'unavailable' });
    await redis.start();
    await postgres.start();
  });
});
