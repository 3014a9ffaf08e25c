import { buildApp, type App } from '../../../src/app.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/db/index.js';
import { ensureAdminToken } from '../../../src/features/tokens/bootstrap.js';
import type { PropagationOptions } from '../../../src/propagation/options.js';
import { TEST_SCRYPT_LOG_N } from '../../helpers/app.js';
import { createMigratedTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { AdminApi } from './api.js';

export interface ListeningApp {
  app: App;
  db: Database;
  database: TestDatabase;
  baseUrl: string;
  api: AdminApi;
  close(): Promise<void>;
}

/**
 * An app listening on a free port of 127.0.0.1 over a fresh database (SSE needs a real socket;
 * `inject` waits for the response to end). `propagation` tunes heartbeats, resume window, etc.
 */
export async function startListeningApp(
  options: { propagation?: Partial<PropagationOptions>; config?: Partial<Config>; database?: TestDatabase } = {},
): Promise<ListeningApp> {
  const database = options.database ?? (await createMigratedTestDatabase());
  const config: Config = {
    ...loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }),
    scryptLogN: TEST_SCRYPT_LOG_N, // a cheaper scrypt, as createTestApp's
    ...options.config,
  };
  const db = await openDatabase({ databaseUrl: database.url, dataDir: config.dataDir });
  await db.migrate();
  const app = await buildApp({ db, config, logger: false, propagation: options.propagation });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const bootstrap = await ensureAdminToken({ prisma: db.prisma, notifier: app.changes });
  if (bootstrap.outcome !== 'generated') throw new Error('expected a generated admin token');
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    db,
    database,
    baseUrl,
    api: new AdminApi(baseUrl, bootstrap.secret),
    async close() {
      await app.close();
      await db.close();
      if (!options.database) await database.drop();
    },
  };
}
