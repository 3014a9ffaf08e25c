import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { ensureAdminToken } from '../../src/features/tokens/bootstrap.js';
import { createMigratedTestDatabase } from './db.js';

export { copyFlag } from './flag-copies.js';

/** The scrypt cost test apps hash passwords with (see createTestApp). */
export const TEST_SCRYPT_LOG_N = 10;

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests check responses field by field
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface TestApp {
  /** The app, ready for `app.inject` (not listening). */
  app: App;
  db: Database;
  /** Secret of a freshly generated admin token. */
  adminToken: string;
  config: Config;
  /** `{ authorization: 'Bearer <adminToken>' }`, for `app.inject({ headers })`. */
  adminHeaders: { authorization: string };
  /**
   * An admin request to `/api/v1<url>` (a JSON body when `payload` is given; `headers` added to the
   * admin token): the status, the parsed body (`undefined` when empty) and the response headers.
   */
  api(method: ApiMethod, url: string, payload?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Closes the app and the database, then drops the database. */
  close(): Promise<void>;
}

/**
 * A fresh app on its own, migrated PostgreSQL database (a clone of the migrated template), with an admin token. One per test
 * file (`beforeAll`/`afterAll`) is the intended use; each call creates a new database.
 */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createMigratedTestDatabase();
  const config: Config = {
    ...loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }),
    // Tests send every request from one address, and some (the access matrix) fail on purpose by
    // the hundred: the failed-authentication limit is tested on its own (auth-failure-limit.test.ts).
    authFailureLimit: 1_000_000,
    // scrypt at 2^10 (1 MiB, ~8 ms) instead of production's 2^15 (32 MiB, ~130 ms): every app hashes
    // a dummy password at start, and tests sign in by the dozen. Production's parameters are checked
    // in config.test.ts and users/password.test.ts.
    scryptLogN: TEST_SCRYPT_LOG_N,
    ...overrides,
  };
  const db = await openDatabase({ databaseUrl: database.url, dataDir: config.dataDir });
  try {
    await db.migrate();
    const app = await buildApp({ db, config, logger: false });
    await app.ready();
    const bootstrap = await ensureAdminToken({ prisma: db.prisma, notifier: app.changes });
    if (bootstrap.outcome !== 'generated') throw new Error('createTestApp: expected a generated admin token');
    const adminHeaders = { authorization: `Bearer ${bootstrap.secret}` };
    return {
      app,
      db,
      config,
      adminToken: bootstrap.secret,
      adminHeaders,
      async api(method, url, payload, headers = {}) {
        const response = await app.inject({
          method,
          url: `/api/v1${url}`,
          headers: { ...adminHeaders, ...headers },
          ...(payload === undefined ? {} : { payload: payload as object }),
        });
        return {
          status: response.statusCode,
          body: response.body ? response.json() : undefined,
          headers: response.headers,
        };
      },
      async close() {
        await app.close();
        await db.close();
        await database.drop();
      },
    };
  } catch (error) {
    await db.close();
    await database.drop();
    throw error;
  }
}
