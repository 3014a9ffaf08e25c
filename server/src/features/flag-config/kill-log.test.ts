import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedTestDatabase, type OpenTestDatabase } from '../../../test/helpers/db.js';
import { buildApp, type App } from '../../app.js';
import { loadConfig } from '../../config.js';
import { ensureAdminToken } from '../tokens/bootstrap.js';

/**
 * Kills and restores are logged at info, one structured line each, with the actor (kind, id,
 * display), project, flag, environment and reason: an operator reading the server log sees who
 * stopped what and why. Checked on the logger's own output stream (the app's real pino).
 */
interface LogLine {
  level: number;
  msg: string;
  event?: string;
  [field: string]: unknown;
}

const lines: LogLine[] = [];
let opened: OpenTestDatabase;
let app: App;
let headers: Record<string, string>;
let adminTokenId: string;

const events = () => lines.filter((line) => line.event === 'flag.killed' || line.event === 'flag.restored');

async function post(url: string, payload?: object) {
  const response = await app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
}

beforeAll(async () => {
  opened = await openMigratedTestDatabase();
  const { db } = opened;
  const config = loadConfig({ DATABASE_URL: opened.database.url });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  app = await buildApp({ db, config, logger: { level: 'info', stream } });
  await app.ready();
  const bootstrap = await ensureAdminToken({ prisma: db.prisma, notifier: app.changes });
  if (bootstrap.outcome !== 'generated') throw new Error('expected a generated admin token');
  headers = { authorization: `Bearer ${bootstrap.secret}` };
  adminTokenId = (await db.prisma.apiToken.findFirstOrThrow()).id;
  await post('/projects', { key: 'shop', name: 'Shop' });
  for (const key of ['production', 'staging']) await post('/projects/shop/environments', { key, name: key });
  await post('/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' });
});
afterAll(async () => {
  await app?.close();
  await opened?.close();
});

describe('kills and restores are logged at info with actor and reason', () => {
  it('one environment: a kill, then a restore, one line each', async () => {
    lines.length = 0;
    await post('/projects/shop/flags/checkout/environments/production/kill', { reason: 'payments failing' });
    await post('/projects/shop/flags/checkout/environments/production/restore', { reason: 'fixed' });
    const actor = { kind: 'token', id: adminTokenId, display: expect.any(String) };
    expect(events()).toEqual([
      expect.objectContaining({
        level: 30,
        event: 'flag.killed',
        actor,
        project: 'shop',
        flag: 'checkout',
        environment: 'production',
        reason: 'payments failing',
        msg: 'Flag killed: shop/checkout in production',
      }),
      expect.objectContaining({
        level: 30,
        event: 'flag.restored',
        actor,
        project: 'shop',
        flag: 'checkout',
        environment: 'production',
        reason: 'fixed',
      }),
    ]);
  });

  it('every environment: a line per environment; a restore without reason logs reason null', async () => {
    lines.length = 0;
    await post('/projects/shop/flags/checkout/kill', { reason: 'incident 42' });
    await post('/projects/shop/flags/checkout/restore');
    const summary = events().map((line) => [line.event, line.environment, line.reason]);
    expect(summary.sort()).toEqual([
      ['flag.killed', 'production', 'incident 42'],
      ['flag.killed', 'staging', 'incident 42'],
      ['flag.restored', 'production', null],
      ['flag.restored', 'staging', null],
    ]);
  });

  it('a refused restore (not killed) logs nothing', async () => {
    lines.length = 0;
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/projects/shop/flags/checkout/environments/production/restore',
      headers,
    });
    expect(response.statusCode).toBe(409);
    expect(events()).toEqual([]);
  });

  it('a trigger kill is logged too, with the trigger as actor', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/projects/shop/triggers',
      headers,
      payload: { name: 'alerts for checkout', flag: 'checkout', environment: 'staging' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const trigger = created.json<{ id: string; path: string }>();
    lines.length = 0;
    const fired = await app.inject({
      method: 'POST',
      url: trigger.path,
      payload: { action: 'kill', reason: 'p99 over budget' },
    });
    expect(fired.statusCode, fired.body).toBeLessThan(300);
    expect(events()).toEqual([
      expect.objectContaining({
        event: 'flag.killed',
        actor: expect.objectContaining({ id: expect.any(String), display: expect.any(String) }),
        project: 'shop',
        flag: 'checkout',
        environment: 'staging',
        reason: expect.stringContaining('p99 over budget'),
      }),
    ]);
  });
});
