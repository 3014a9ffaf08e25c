import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { ensureAdminToken } from '../../src/features/tokens/bootstrap.js';

export interface EmbeddedTestApp {
  /** The app, ready for `app.inject` (not listening). */
  app: App;
  db: Database;
  /** `{ authorization: 'Bearer <admin token>' }`, for `app.inject({ headers })`. */
  adminHeaders: { authorization: string };
  /** Closes the app and the database, then deletes the data directory. */
  close(): Promise<void>;
}

/**
 * A fresh app on embedded PGlite (the quick start's database, no `DATABASE_URL`) in a new temporary
 * data directory named after `prefix`, migrated, with an admin token. Migrating PGlite takes a while:
 * give the `beforeAll` a long timeout.
 */
export async function createEmbeddedTestApp(prefix = 'sy-embedded-'): Promise<EmbeddedTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const config = loadConfig({ SWITCHYARD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  let db: Database | undefined;
  let app: App | undefined;
  const close = async () => {
    await app?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    db = await openDatabase({ dataDir });
    await db.migrate();
    app = await buildApp({ db, config, logger: false });
    await app.ready();
    const token = await ensureAdminToken({ prisma: db.prisma, notifier: app.changes });
    if (token.outcome !== 'generated') throw new Error('createEmbeddedTestApp: expected a generated admin token');
    return { app, db, adminHeaders: { authorization: `Bearer ${token.secret}` }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
