import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { toClientSnapshot, type Snapshot } from '@switchyard/core';
import { openDatabase, type Database } from '../../../src/db/index.js';
import { buildSnapshot } from '../../../src/snapshots/snapshot-builder.js';
import { createMigratedTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { AdminApi } from './api.js';
import { ensureServerBuilt, freePort, RedisProcess, ServerProcess } from './processes.js';

export interface Cluster {
  redis: RedisProcess;
  servers: ServerProcess[];
  apis: AdminApi[];
  database: TestDatabase;
  /** The test's own connection, to read what the database says. */
  db: Database;
  /** The snapshot the database produces right now for an environment (`client`: the client view). */
  databaseSnapshot(environmentKey: string, view?: 'server' | 'client'): Promise<Snapshot>;
  close(): Promise<void>;
}

/**
 * `count` server processes (server/dist/main.js) on their own ports, sharing a fresh Postgres
 * database and a redis-server the cluster starts on its own port.
 */
export async function startCluster(count: number, env: Record<string, string> = {}): Promise<Cluster> {
  ensureServerBuilt();
  const database = await createMigratedTestDatabase();
  const redis = new RedisProcess(await freePort());
  await redis.start();
  const adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
  const servers: ServerProcess[] = [];
  for (let i = 0; i < count; i++) {
    const server = new ServerProcess({
      port: await freePort(),
      databaseUrl: database.url,
      redisUrl: redis.url,
      adminToken,
      env: { SWITCHYARD_CONVERGENCE_INTERVAL_MS: '1000', SWITCHYARD_OUTBOX_POLL_MS: '250', ...env },
    });
    await server.start(); // one at a time (each checks the migrations at start; none are pending)
    servers.push(server);
  }
  const db = await openDatabase({ databaseUrl: database.url, dataDir: '.' });
  return {
    redis,
    servers,
    apis: servers.map((server) => new AdminApi(server.baseUrl, adminToken)),
    database,
    db,
    async databaseSnapshot(environmentKey, view = 'server') {
      const environment = await db.prisma.environment.findFirstOrThrow({ where: { key: environmentKey } });
      const snapshot = (await buildSnapshot(db.prisma, environment.id))!.snapshot;
      return view === 'client' ? toClientSnapshot(snapshot) : snapshot;
    },
    async close() {
      await Promise.all(servers.map((server) => server.stop('SIGKILL')));
      // Kept for post-mortems: what each server logged (warnings and errors).
      for (const server of servers) {
        writeFileSync(join(tmpdir(), `switchyard-test-server-${server.options.port}.log`), server.output.join(''));
      }
      await redis.stop();
      await db.close();
      await database.drop();
    },
  };
}
