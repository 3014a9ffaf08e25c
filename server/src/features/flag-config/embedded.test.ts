import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openDatabase, type Database } from '../../db/index.js';
import { ensureAdminToken } from '../tokens/bootstrap.js';

/** The quick start runs on embedded PGlite: the row locks and raw SQL of these features must work there too. */
let app: App;
let db: Database;
let dataDir: string;
let headers: { authorization: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sy-flags-'));
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

it('runs the flag lifecycle on embedded PGlite', async () => {
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, extra = {}) => {
    const response = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...headers, ...extra },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.json(), etag: response.headers.etag };
  };
  expect((await call('POST', '/projects', { key: 'p', name: 'P' })).status).toBe(201);
  expect((await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
  for (const key of ['a', 'b'])
    expect((await call('POST', '/projects/p/flags', { key, name: key, type: 'boolean' })).status).toBe(201);
  const url = '/projects/p/flags/a/environments/prod';
  const current = await call('GET', url);
  const put = await call(
    'PUT',
    url,
    { ...current.body, enabled: true, prerequisites: [{ flagKey: 'b', variants: ['on'] }] },
    { 'if-match': current.etag },
  );
  expect(put.status).toBe(200);
  const parent = await call('GET', '/projects/p/flags/b/environments/prod');
  const cycle = await call(
    'PUT',
    '/projects/p/flags/b/environments/prod',
    { ...parent.body, prerequisites: [{ flagKey: 'a', variants: ['on'] }] },
    { 'if-match': parent.etag },
  );
  expect(cycle.status).toBe(400);
  expect((await call('POST', '/projects/p/flags/a/kill', { reason: 'test' })).body.items[0]).toMatchObject({
    enabled: false,
    killed: true,
  });
  expect((await call('POST', `${url}/restore`)).body).toMatchObject({ enabled: true, killed: false });
  expect((await call('POST', '/projects/p/flags/b/archive')).status).toBe(409);
});
