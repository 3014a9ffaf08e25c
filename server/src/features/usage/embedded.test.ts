import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openDatabase, type Database } from '../../db/index.js';
import { ensureAdminToken } from '../tokens/bootstrap.js';

/** The quick start runs on embedded PGlite: the metrics upsert (unnest of arrays) must work there too. */
let app: App;
let db: Database;
let dataDir: string;
let headers: { authorization: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sy-usage-'));
  const config = loadConfig({ SWITCHYARD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  db = await openDatabase({ dataDir });
  await db.migrate();
  app = await buildApp({ db, config, logger: false });
  await app.ready();
  const token = await ensureAdminToken({ prisma: db.prisma, notifier: app.changes });
  if (token.outcome !== 'generated') throw new Error('expected a generated admin token');
  headers = { authorization: `Bearer ${token.secret}` };
}, 180_000);
afterAll(async () => {
  await app?.close();
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('stores usage reports and shows lastEvaluatedAt on embedded PGlite', async () => {
  const call = async (method: 'GET' | 'POST', url: string, payload?: object, auth = headers) => {
    const response = await app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() };
  };
  await call('POST', '/projects', { key: 'p', name: 'P' });
  await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' });
  await call('POST', '/projects/p/flags', { key: 'a', name: 'a', type: 'boolean' });
  const token = await call('POST', '/tokens', { name: 'sdk', kind: 'server', project: 'p', environment: 'prod' });
  const sdk = { authorization: `Bearer ${token.body.secret}` };
  const end = new Date(Date.now() - 1_000);
  const report = { start: new Date(end.getTime() - 60_000).toISOString(), end: end.toISOString() };
  for (let i = 0; i < 2; i++) {
    const posted = await call('POST', '/sdk/metrics', { ...report, flags: { a: { on: 2, off: 1 } } }, sdk);
    expect(posted).toEqual({ status: 202, body: { accepted: 2, unknownFlags: [] } });
  }
  const rows = await db.prisma.flagUsage.findMany({ orderBy: { variant: 'asc' } });
  expect(rows.map((row) => [row.variant, Number(row.count)])).toEqual([
    ['off', 2],
    ['on', 4],
  ]);
  expect((await call('GET', '/projects/p/flags/a')).body.lastEvaluatedAt).toBe(end.toISOString());
});
