import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { buildApp, type App } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openDatabase, type Database } from '../../db/index.js';

describe('health on a migrated database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('is alive and ready, without a token', async () => {
    const healthz = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(healthz.statusCode).toBe(200);
    expect(healthz.json()).toEqual({ status: 'ok' });
    const readyz = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.statusCode).toBe(200);
    expect(readyz.json()).toEqual({ status: 'ready' });
  });

  it('documents the API at /docs with bearer or session-cookie auth, tokens only for SDK routes, none for public ones', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{
      components: { securitySchemes: Record<string, unknown> };
      security: unknown[];
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    expect(doc.components.securitySchemes['bearerAuth']).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes['cookieAuth']).toEqual({
      type: 'apiKey',
      in: 'cookie',
      name: 'switchyard_session',
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
    expect(doc.paths['/healthz']?.['get']?.security).toEqual([]);
    expect(doc.paths['/api/v1/projects']?.['post']?.security).toBeUndefined();
    expect(doc.paths['/api/v1/sdk/snapshot']?.['get']?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/projects']?.['post']).toMatchObject({ 'x-access': 'projects.create' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/tokens', '/api/v1/projects/{project}']));
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});

describe('health without a usable database', () => {
  let database: TestDatabase;
  let db: Database;
  let app: App;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ databaseUrl: database.url, dataDir: './data' });
    app = await buildApp({ db, config: loadConfig({ DATABASE_URL: database.url }), logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close().catch(() => {});
    await database?.drop();
  });

  it('is not ready while migrations are pending, then ready once applied', async () => {
    const pending = await app.inject({ method: 'GET', url: '/readyz' });
    expect(pending.statusCode).toBe(503);
    expect(pending.json()).toEqual({ status: 'unavailable', message: 'database migrations are pending' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await db.migrate();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('is not ready when the database is gone, but still alive', async () => {
    await database.drop();
    const readyz = await app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.statusCode).toBe(503);
    expect(readyz.json()).toEqual({ status: 'unavailable', message: 'database is not reachable' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
