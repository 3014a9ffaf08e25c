import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { defaultMigrationsDir, migrationChecksum, readMigrationFiles } from '../../src/db/migration-files.js';
import { MigrationError, PRISMA_MIGRATE_LOCK_KEY, type MigrationRecord } from '../../src/db/migrator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { prismaMigrateDeploy } from './prisma-schema-engine.js';

type Row = MigrationRecord;

/** Opens a database on a fresh Postgres database; everything opened is closed after each test. */
const cleanups: (() => Promise<void>)[] = [];
async function fresh(migrationsDir?: string): Promise<{ testDb: TestDatabase; open: () => Promise<Database> }> {
  const testDb = await createTestDatabase();
  cleanups.push(() => testDb.drop());
  const open = async () => {
    const db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused', migrationsDir });
    cleanups.unshift(() => db.close());
    return db;
  };
  return { testDb, open };
}

async function sql<T = Record<string, unknown>>(url: string, text: string, params?: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A copy of prisma/migrations in a temp folder, to add or tamper with migrations. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, script: string): Promise<void> {
  await mkdir(join(dir, name));
  await writeFile(join(dir, name, 'migration.sql'), script);
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('migrator on PostgreSQL', () => {
  let committed: Awaited<ReturnType<typeof readMigrationFiles>>;
  beforeAll(async () => {
    committed = await readMigrationFiles();
  });

  it('reads the committed migrations, with Prisma checksums of the file bytes', async () => {
    expect(committed.length).toBeGreaterThan(0);
    for (const migration of committed) {
      expect(migration.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      const bytes = await readFile(join(defaultMigrationsDir, migration.name, 'migration.sql'));
      expect(migration.checksum).toBe(migrationChecksum(bytes));
      expect(migration.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(committed.map((m) => m.name)).toEqual(committed.map((m) => m.name).sort());
  });

  it('applies every migration to an empty database, then nothing on a second run', async () => {
    const { open } = await fresh();
    const db = await open();
    expect(db.mode).toBe('postgres');
    expect(await db.isMigrated()).toBe(false);
    expect(await db.migrate()).toEqual({ applied: committed.map((m) => m.name) });
    expect(await db.isMigrated()).toBe(true);
    expect(await db.migrate()).toEqual({ applied: [] });
  });

  it('keeps _prisma_migrations exactly like Prisma Migrate (table and rows)', async () => {
    const { testDb, open } = await fresh();
    await (await open()).migrate();
    const columns = await sql(
      testDb.url,
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        length: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        length: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
    const [pk] = await sql<{ columns: string[] }>(
      testDb.url,
      `SELECT array_agg(a.attname::text) AS columns FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = '"_prisma_migrations"'::regclass AND i.indisprimary`,
    );
    expect(pk?.columns).toEqual(['id']);

    const rows = await sql<Row>(testDb.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(committed[i]!.checksum);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it('applies each migration once when several replicas migrate at the same time', async () => {
    const { testDb, open } = await fresh();
    const replicas = await Promise.all([open(), open(), open(), open()]);
    const results = await Promise.all(replicas.flatMap((db) => [db.migrate(), db.migrate()]));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(committed.map((m) => m.name).sort());
    const counts = await sql<{ migration_name: string; n: number }>(
      testDb.url,
      'SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name',
    );
    expect(counts).toHaveLength(committed.length);
    expect(counts.every((c) => c.n === 1)).toBe(true);
  });

  it('waits for Prisma Migrate’s advisory lock (key 72707369) before touching anything', async () => {
    const { testDb, open } = await fresh();
    const db = await open();
    const holder = new pg.Client({ connectionString: testDb.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      let settled = false;
      const running = db.migrate().finally(() => (settled = true));
      // Wait until the migrator's session is queued on exactly that lock.
      for (;;) {
        const waiting = await holder.query(
          `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [PRISMA_MIGRATE_LOCK_KEY],
        );
        if (waiting.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(settled).toBe(false);
      const table = await holder.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
      expect(table.rows[0].t).toBeNull();
      await holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      expect((await running).applied).toEqual(committed.map((m) => m.name));
    } finally {
      await holder.end();
    }
  });

  it('refuses to run when an applied migration was modified afterwards', async () => {
    const dir = await copyOfMigrations();
    const { open } = await fresh(dir);
    const db = await open();
    await db.migrate();
    const first = committed[0]!.name;
    const file = join(dir, first, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited after the fact\n`);
    const edited = await open();
    await expect(edited.migrate()).rejects.toThrow(MigrationError);
    await expect(edited.migrate()).rejects.toThrow(new RegExp(`"${first}" was modified after it was applied`));
  });

  it('accepts a checkout that only changed line endings (as Prisma does)', async () => {
    const dir = await copyOfMigrations();
    const { open } = await fresh(dir);
    await (await open()).migrate();
    const file = join(dir, committed[0]!.name, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));
    expect(await (await open()).migrate()).toEqual({ applied: [] });
  });

  it('rolls a failing migration back completely, records it as rolled back, and retries it later', async () => {
    const dir = await copyOfMigrations();
    const { testDb, open } = await fresh(dir);
    const db = await open();
    await db.migrate();
    const name = '29990101000000_broken';
    await addMigration(dir, name, 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT no_such_function();\n');
    const next = await open();
    await expect(next.migrate()).rejects.toThrow(
      /"29990101000000_broken" failed and was rolled back: .*no_such_function/,
    );
    expect(await sql(testDb.url, `SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
    const [failed] = await sql<Row>(testDb.url, 'SELECT * FROM "_prisma_migrations" WHERE migration_name = $1', [name]);
    expect(failed).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(failed?.rolled_back_at).toBeInstanceOf(Date);
    expect(failed?.logs).toMatch(/no_such_function/);
    expect(await next.isMigrated()).toBe(false);

    await writeFile(join(dir, name, 'migration.sql'), 'CREATE TABLE "half_done" ("id" INTEGER);\n');
    expect(await (await open()).migrate()).toEqual({ applied: [name] });
    expect(await next.isMigrated()).toBe(true);
  });

  it('refuses to run after a migration that failed under Prisma and was never resolved (P3009)', async () => {
    const { testDb, open } = await fresh();
    const db = await open();
    await db.migrate();
    // What `prisma migrate deploy` leaves behind when a migration fails half-way.
    await sql(
      testDb.url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, applied_steps_count)
       VALUES ('6f0c2a3e-7a39-4a59-9d5c-111111111111', $1, '29990101000000_half', 'boom', 0)`,
      ['0'.repeat(64)],
    );
    await expect(db.migrate()).rejects.toThrow(/"29990101000000_half" .* failed and was not rolled back/);
  });

  it('hands over to and from `prisma migrate deploy` (Prisma’s own engine, WASM build)', async () => {
    const prismaFirst = await fresh();
    expect(await prismaMigrateDeploy(prismaFirst.testDb.url, defaultMigrationsDir)).toEqual(
      committed.map((m) => m.name),
    );
    const afterPrisma = await prismaFirst.open();
    expect(await afterPrisma.isMigrated()).toBe(true);
    expect(await afterPrisma.migrate()).toEqual({ applied: [] });
    const prismaRows = await sql<Row>(
      prismaFirst.testDb.url,
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(prismaRows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      committed.map((m) => [m.name, m.checksum, 1]),
    );

    const oursFirst = await fresh();
    await (await oursFirst.open()).migrate();
    expect(await prismaMigrateDeploy(oursFirst.testDb.url, defaultMigrationsDir)).toEqual([]);

    // The bookkeeping table itself: ours is created exactly like the one Prisma's engine created.
    const tableShape = `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
      FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`;
    const prismaTable = await sql(prismaFirst.testDb.url, tableShape);
    expect(prismaTable).toHaveLength(8);
    expect(await sql(oursFirst.testDb.url, tableShape)).toEqual(prismaTable);
  });

  it('fails clearly when the migrations folder does not exist', async () => {
    const { open } = await fresh('/nonexistent/prisma/migrations');
    const db = await open();
    await expect(db.migrate()).rejects.toThrow('Migrations folder not found: /nonexistent/prisma/migrations');
  });
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
