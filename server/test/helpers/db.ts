import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openDatabase, readMigrationFiles, type Database } from '../../src/db/index.js';

/**
 * The server whose `postgres` maintenance database test databases are created from.
 * SWITCHYARD_TEST_PG_URL overrides the local default (trust auth, user postgres).
 */
const maintenanceUrl = process.env['SWITCHYARD_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  /** Its name, `sy_test_<random>`. */
  name: string;
  /** Drops it, closing any connection still open (DROP … WITH (FORCE)). Safe to call twice. */
  drop(): Promise<void>;
}

async function onMaintenanceDb<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const exec = (sql: string) => onMaintenanceDb((client) => client.query(sql));

/** Lowercase hex only, so the name needs no quoting and is safe to interpolate. */
const randomName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

function urlOf(name: string): string {
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function testDatabase(name: string): TestDatabase {
  let dropped = false;
  return {
    url: urlOf(name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * Runs `sql` (CREATE/ALTER DATABASE from or of a template), retrying while Postgres says the
 * source is in use (55006): a backend whose client just disconnected can take a moment to exit.
 */
async function whileInUse(sql: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await exec(sql);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await sleep(100);
    }
  }
}

/**
 * Creates a fresh, empty PostgreSQL database for one test file (no migrations applied). For tests
 * of the migrations themselves, or of a server's first start; anything else wants
 * `createMigratedTestDatabase`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = randomName('sy_test');
  await exec(`CREATE DATABASE ${name}`);
  return testDatabase(name);
}

/**
 * The migrated template of this checkout's migrations, `sy_tpl_<hash of the migration files>`:
 * made once per Postgres server and set of migrations (by whichever test file asks first), then
 * reused by every run. Why: cloning it (CREATE DATABASE … TEMPLATE) costs about what an empty
 * database does, where applying every migration took about a second per test file. It is built
 * under a scratch name and renamed only once fully migrated, so a half-built template is never
 * used; when two processes build at once, the first rename wins and the other drops its copy.
 * Templates of older migrations are left in place: another checkout may still use them.
 */
let template: Promise<string> | undefined;

function migratedTemplate(): Promise<string> {
  template ??= buildTemplate().catch((error: unknown) => {
    template = undefined; // let the next test file try again rather than fail on a stale error
    throw error;
  });
  return template;
}

async function buildTemplate(): Promise<string> {
  const migrations = await readMigrationFiles();
  const hash = createHash('sha256');
  for (const { name, checksum } of migrations) hash.update(`${name}\0${checksum}\n`);
  const name = `sy_tpl_${hash.digest('hex').slice(0, 16)}`;
  const exists = await onMaintenanceDb(
    async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
  if (exists) return name;

  const scratch = randomName('sy_tplbuild');
  await exec(`CREATE DATABASE ${scratch}`);
  try {
    const db = await openDatabase({ databaseUrl: urlOf(scratch), dataDir: 'unused' });
    try {
      await db.migrate();
    } finally {
      await db.close();
    }
    // No one may connect to the template (a connection would make every clone fail with 55006).
    await exec(`ALTER DATABASE ${scratch} WITH ALLOW_CONNECTIONS false`);
    await whileInUse(`ALTER DATABASE ${scratch} RENAME TO ${name}`);
  } catch (error) {
    await exec(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    // 42P04 duplicate_database: another process renamed its template first; use that one.
    if ((error as { code?: string }).code === '42P04') return name;
    throw error;
  }
  return name;
}

/**
 * A fresh database with every migration applied (a clone of the migrated template), for one test
 * file; its own database as with `createTestDatabase`, only without waiting for the migrations.
 */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  const source = await migratedTemplate();
  const name = randomName('sy_test');
  await whileInUse(`CREATE DATABASE ${name} TEMPLATE ${source}`);
  return testDatabase(name);
}

export interface OpenTestDatabase {
  database: TestDatabase;
  /** The server's Database over it (Prisma through `@prisma/adapter-pg`), migrated. */
  db: Database;
  /** Closes `db`, then drops the database. */
  close(): Promise<void>;
}

/**
 * `createMigratedTestDatabase` opened with `openDatabase` and `migrate()`d (a no-op on the clone,
 * kept so the bookkeeping is checked as a server start checks it): the setup of a test file that
 * uses the database without an app.
 */
export async function openMigratedTestDatabase(): Promise<OpenTestDatabase> {
  const database = await createMigratedTestDatabase();
  let db: Database | undefined;
  try {
    db = await openDatabase({ databaseUrl: database.url, dataDir: 'unused' });
    await db.migrate();
  } catch (error) {
    await db?.close();
    await database.drop();
    throw error;
  }
  const opened = db;
  return {
    database,
    db: opened,
    async close() {
      await opened.close();
      await database.drop();
    },
  };
}
