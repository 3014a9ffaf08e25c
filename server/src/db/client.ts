import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PrismaPGlite as PrismaPGliteFactory } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockDataDir } from './data-dir-lock.js';
import { adoptTemplateBookkeeping, copyTemplate, defaultTemplateDir } from './embedded-template.js';
import { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migration-files.js';
import { isMigrated, migrate, type MigrateResult } from './migrator.js';
import { compilePGliteWasm, createPGlite } from './pglite-runtime.js';
import { registerDirectPool } from './direct-query.js';
import { preparedStatementName } from './prepared-statements.js';
import { pgliteSession, pgSession, type SqlQueryable } from './sql-session.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string. Unset: embedded PGlite persisted in `dataDir`. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database (created when missing); unused with `databaseUrl`. */
  dataDir: string;
  /** The prisma/migrations folder; defaults to the one shipped next to the server. */
  migrationsDir?: string | undefined;
  /**
   * Embedded mode: the pre-migrated data dir an empty `dataDir` starts from (embedded-template.ts);
   * defaults to the one the server's build writes. `null`: always let PGlite run initdb.
   */
  templateDir?: string | null | undefined;
}

/** The server's storage: a Prisma client plus the schema's lifecycle. */
export interface Database {
  prisma: PrismaClient;
  /** 'postgres' with a DATABASE_URL, 'embedded' for PGlite in the data dir. */
  mode: 'postgres' | 'embedded';
  /** Applies pending migrations (see migrator.ts); safe to call from several replicas at once. */
  migrate(): Promise<MigrateResult>;
  /** True when every migration folder is recorded as finished in `_prisma_migrations`. */
  isMigrated(): Promise<boolean>;
  /** Disconnects Prisma and closes the pool or the embedded database. */
  close(): Promise<void>;
}

/**
 * Opens the database: PostgreSQL through `@prisma/adapter-pg` when `databaseUrl` is set,
 * otherwise PGlite (Postgres compiled to WASM, in-process) persisted in `dataDir`, through
 * `pglite-prisma-adapter`. Applies no migrations by itself; the caller decides (migrate on start).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  // Migration files never change while the server runs; read them once, on first use.
  let files: Promise<MigrationFile[]> | undefined;
  const migrationFiles = () => (files ??= readMigrationFiles(migrationsDir));
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, migrationFiles)
    : openEmbedded(resolve(options.dataDir), migrationFiles, options.templateDir);
}

type MigrationFilesLoader = () => Promise<MigrationFile[]>;

function openPostgres(connectionString: string, migrationFiles: MigrationFilesLoader): Database {
  // Our pool (not one the adapter makes): `queryRows` sends hot statements through it directly.
  const pool = new pg.Pool({ connectionString });
  // An idle connection's error (Postgres restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, { statementNameGenerator: preparedStatementName });
  const prisma = new PrismaClient({ adapter });
  registerDirectPool(prisma, pool);
  return {
    prisma,
    mode: 'postgres',
    async migrate() {
      const migrations = await migrationFiles();
      // A dedicated connection: the advisory lock belongs to a session, and a pooled connection
      // could be handed to another query while the lock is held.
      const client = new pg.Client({ connectionString });
      // A dropped connection also fails the pending query; without a listener it would crash the process.
      client.on('error', () => undefined);
      await client.connect();
      try {
        return await migrate(pgSession(client), migrations);
      } finally {
        await client.end();
      }
    },
    isMigrated: async () => isMigrated(prismaQueryable(prisma), await migrationFiles()),
    close: once(async () => {
      await prisma.$disconnect();
      await pool.end();
    }),
  };
}

/**
 * Embedded mode: locks `dataDir` at once (a second process fails here), then opens PGlite in the
 * background and returns. Why: filling an empty data dir from the template (~1,000 files) and
 * starting Postgres take ~0.3–1 s, mostly waiting for the disk, while the caller has work that
 * needs the Prisma client object but sends no query yet (the server builds its HTTP app). The
 * client connects on its first query, once PGlite is open; a failure to open (the copy, PGlite)
 * rejects `migrate()`, `isMigrated()` and every query, and `close()` still releases the data dir.
 */
async function openEmbedded(
  dataDir: string,
  migrationFiles: MigrationFilesLoader,
  templateDir: string | null = defaultTemplateDir,
): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const unlock = releaseOnce(lockDataDir(dataDir));
  const opening = openPGlite(dataDir, migrationFiles, templateDir);
  // A failed open releases the data dir now; whoever awaits `opening` gets the error.
  opening.catch(unlock);
  let PrismaPGlite: typeof PrismaPGliteFactory;
  try {
    ({ PrismaPGlite } = await import('pglite-prisma-adapter'));
  } catch (error) {
    await opening.then((pglite) => pglite.close()).catch(() => undefined);
    unlock();
    throw error;
  }
  const prisma = new PrismaClient({
    adapter: {
      provider: 'postgres',
      adapterName: 'pglite-prisma-adapter',
      connect: async () => new PrismaPGlite(await opening).connect(),
    },
  });
  const session = async () => pgliteSession(await opening);
  // PGlite is a single session, where an advisory lock is re-entrant; chain runs instead.
  let running: Promise<unknown> = Promise.resolve();
  return {
    prisma,
    mode: 'embedded',
    migrate() {
      const run = running.then(async () => migrate(await session(), await migrationFiles()));
      running = run.catch(() => undefined);
      return run;
    },
    isMigrated: async () => isMigrated(await session(), await migrationFiles()),
    close: once(async () => {
      try {
        await prisma.$disconnect();
        const pglite = await opening.catch(() => undefined);
        await pglite?.close();
      } finally {
        unlock();
      }
    }),
  };
}

/**
 * Fills an empty `dataDir` from the template when it fits, then starts PGlite on it (initdb when no
 * template was used and the folder is empty) and makes copied bookkeeping this database's own.
 */
async function openPGlite(
  dataDir: string,
  migrationFiles: MigrationFilesLoader,
  templateDir: string | null,
): Promise<PGlite> {
  const wasmModule = compilePGliteWasm();
  const fromTemplate = templateDir !== null && (await copyTemplate(dataDir, templateDir, await migrationFiles()));
  const pglite = await createPGlite(dataDir, wasmModule);
  if (fromTemplate) await adoptTemplateBookkeeping(pgliteSession(pglite)).catch(closeAndThrow(pglite));
  return pglite;
}

/** `release` runs once: a second call must not remove a lock another open has taken since. */
function releaseOnce(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

/** A catch handler that closes `pglite`, then rethrows. */
function closeAndThrow(pglite: PGlite): (error: unknown) => Promise<never> {
  return async (error) => {
    await pglite.close().catch(() => undefined);
    throw error;
  };
}

/** `fn` runs on the first call only; later calls get the same promise (close() is idempotent). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

function prismaQueryable(prisma: PrismaClient): Pick<SqlQueryable, 'query'> {
  return {
    query: <Row>(sql: string, params: unknown[] = []) => prisma.$queryRawUnsafe<Row[]>(sql, ...params),
  };
}
