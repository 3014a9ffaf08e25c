import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test/helpers/db.js';
import { startListeningApp, type ListeningApp } from '../../../test/propagation/support/listening-app.js';
import { PostgresProcess } from '../../../test/propagation/support/postgres-process.js';
import { freePort, RedisProcess } from '../../../test/propagation/support/processes.js';
import { until } from '../../../test/propagation/support/replica.js';
import { alertmanagerPayload } from '../../../test/helpers/alertmanager-payload.js';

/**
 * Alerts fire when things break, the database included: a trigger this replica has seen still
 * kills while Postgres is down, through the flag configuration's pending-kill path (Redis), and the
 * kill is recorded once, as the trigger, when Postgres is back. Repeated alerts meanwhile add no
 * second pending kill.
 */
describe('a trigger during a Postgres outage', () => {
  let postgres: PostgresProcess;
  let redis: RedisProcess;
  let database: TestDatabase;
  let a: ListeningApp;
  let serverToken: string;
  let trigger: { id: string; path: string };

  const post = (path: string, body: unknown) =>
    fetch(`${a.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const checkoutEnabled = async () => {
    const snapshot = (await a.api.snapshot(serverToken)).body as { flags: { key: string; enabled: boolean }[] };
    return snapshot.flags.find((flag) => flag.key === 'checkout')?.enabled;
  };

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
    a = await startListeningApp({ database, config: { redisUrl: redis.url }, propagation: { outboxPollMs: 250 } });
    await a.api.createProject('shop');
    await a.api.createEnvironment('shop', 'prod');
    serverToken = await a.api.createToken('server', 'shop', 'prod');
    await a.api.createFlag('shop', 'checkout');
    await a.api.toggle('shop', 'checkout', 'prod', true);
    trigger = await a.api.request('POST', '/projects/shop/triggers', {
      name: 'pager',
      flag: 'checkout',
      environment: 'prod',
    });
    // The replica holds shop/prod (an SDK asked) and has seen the trigger (one call) before the outage.
    expect(await checkoutEnabled()).toBe(true);
    expect((await post(trigger.path, { action: 'restore' })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await a?.close().catch(() => {});
    await redis?.stop();
    await postgres?.destroy();
  });

  it('accepts the kill into Redis (202), serves it at once, and records it once when Postgres is back', async () => {
    await postgres.stop();
    const accepted = await post(trigger.path, alertmanagerPayload('firing'));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ outcome: 'kill_pending', trigger: trigger.id, flag: 'checkout' });
    expect(await checkoutEnabled()).toBe(false);
    const repeated = await post(trigger.path, alertmanagerPayload('firing'));
    expect(await repeated.json()).toMatchObject({ outcome: 'already_killed' });

    // A secret this replica has not seen cannot be checked without the database: 503, not 404.
    const unknown = await post('/api/v1/triggers/incoming/sy_trigger_unknown', { action: 'kill' });
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toMatch(/^\d+$/);

    await postgres.start();
    const killed = async () =>
      a.db.prisma.auditEvent.findMany({ where: { actorId: `trigger:${trigger.id}`, action: 'flag_config.killed' } });
    await until(async () => (await killed().catch(() => [])).length > 0, 'the pending kill to be recorded', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // another drain tick: still one
    const events = await killed();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorKind: 'system', actor: 'trigger pager' });
    expect(events[0]!.reason).toMatch(/^\[trigger:[^\]]+\] Alertmanager firing: HighErrorRate .*pending kill /);
  }, 60_000);
});
