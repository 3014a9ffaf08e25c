import { buildApp, type App } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { openDatabase } from '../../../server/src/db/index.js';
import type { TestDatabase } from '../../../server/test/helpers/db.js';

/** A second server process's worth of server: an app over an existing database. */
export interface Replica {
  app: App;
  url: string;
  port: number;
  /** Stops listening (ending its streams) and closes its database pool, as a shut-down replica. */
  close(): Promise<void>;
}

/**
 * Starts a replica over `database` (which another test server set up: migrations, admin token,
 * project) on `port`, or on a free port; start it again on the same port to restart it where its
 * clients expect it.
 */
export async function startReplica(database: TestDatabase, port = 0): Promise<Replica> {
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const db = await openDatabase({ databaseUrl: database.url, dataDir: config.dataDir });
  const app = await buildApp({ db, config, logger: false, propagation: { heartbeatMs: 15_000 } });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  return {
    app,
    url: `http://127.0.0.1:${listening}`,
    port: listening,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
