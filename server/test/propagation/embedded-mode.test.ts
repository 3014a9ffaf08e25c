import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { ensureAdminToken } from '../../src/features/tokens/bootstrap.js';
import { AdminApi } from './support/api.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

/** Embedded mode (PGlite, no REDIS_URL): the same pipeline over the in-process bus. */
describe('propagation in embedded mode', () => {
  let dataDir: string;
  let db: Database;
  let app: App;
  let api: AdminApi;
  let baseUrl: string;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchyard-embedded-'));
    const config = loadConfig({ SWITCHYARD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    db = await openDatabase({ dataDir });
    await db.migrate();
    app = await buildApp({ db, config, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const bootstrap = await ensureAdminToken({ prisma: db.prisma, notifier: app.changes });
    if (bootstrap.outcome !== 'generated') throw new Error('expected a generated admin token');
    api = new AdminApi(baseUrl, bootstrap.secret);
  }, 120_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await app?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams patches and publishes the outbox without Redis', async () => {
    expect(app.propagation.bus.kind).toBe('memory');
    await api.createProject('home');
    await api.createEnvironment('home', 'dev');
    const token = await api.createToken('server', 'home', 'dev');
    await api.createFlag('home', 'lights');
    const client = new SseClient({ url: `${baseUrl}/api/v1/sdk/stream`, token });
    streams.push(client);
    await client.connect();
    await client.waitFor(() => client.snapshot !== undefined);
    const start = client.revision!;
    await api.toggle('home', 'lights', 'dev', true);
    await api.toggle('home', 'lights', 'dev', false);
    await client.waitForRevision(start + 2);
    expect(client.violations).toEqual([]);
    const environment = await db.prisma.environment.findFirstOrThrow({ where: { key: 'dev' } });
    expect(canonicalSnapshot(client.snapshot!)).toBe(
      canonicalSnapshot((await buildSnapshot(db.prisma, environment.id))!.snapshot),
    );
    await app.propagation.publisher.drain();
    expect(await db.prisma.changeOutbox.count({ where: { publishedAt: null } })).toBe(0);
  });
});
