import { randomUUID } from 'node:crypto';
import { migrationChecksum, type MigrationFile } from './migration-files.js';
import type { SqlQueryable, SqlSession } from './sql-session.js';

/**
 * Applies prisma/migrations with the same bookkeeping as `prisma migrate deploy`, so either tool
 * can take over from the other: Prisma's `_prisma_migrations` table, its checksums and its
 * advisory-lock key. Unlike Prisma, each migration runs in one transaction together with its
 * bookkeeping row, so a failed migration leaves nothing half-applied.
 */

/** The advisory-lock key Prisma Migrate takes, so it and this migrator exclude each other. */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** `_prisma_migrations` exactly as Prisma Migrate creates it. */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

/** A row of `_prisma_migrations`. */
export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** The database cannot be migrated safely without a person looking at it. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrateResult {
  /** Names of the migrations this run applied, in order (empty when the database was current). */
  applied: string[];
}

/**
 * Applies every pending migration, in name order, each in its own transaction. Holds Prisma's
 * advisory lock on `session` for the whole run, so concurrent runs (other replicas, or
 * `prisma migrate deploy`) wait and then find nothing left to do.
 *
 * Refuses with a MigrationError when a recorded migration has failed and was not rolled back
 * (as Prisma's P3009), or when an applied migration's file has changed since (its checksum).
 */
export async function migrate(session: SqlSession, migrations: MigrationFile[]): Promise<MigrateResult> {
  await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const records = await session.query<MigrationRecord>(
      'SELECT * FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"',
    );
    const applied = checkHistory(records, migrations);
    const result: MigrateResult = { applied: [] };
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await applyOne(session, migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
  }
}

/**
 * True when every migration in `migrations` is recorded as finished (and not rolled back).
 * Reads only, takes no lock; false when `_prisma_migrations` does not exist yet.
 */
export async function isMigrated(db: Pick<SqlQueryable, 'query'>, migrations: MigrationFile[]): Promise<boolean> {
  const [table] = await db.query<{ name: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS "name"`);
  if (!table?.name) return migrations.length === 0;
  const rows = await db.query<{ migration_name: string }>(
    'SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL',
  );
  const finished = new Set(rows.map((row) => row.migration_name));
  return migrations.every((migration) => finished.has(migration.name));
}

/** Validates the recorded history against the files; returns the names already applied. */
function checkHistory(records: MigrationRecord[], migrations: MigrationFile[]): Set<string> {
  const failed = records.find((record) => record.finished_at === null && record.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration "${failed.migration_name}" started at ${failed.started_at.toISOString()} failed and was not ` +
        'rolled back (finished_at and rolled_back_at are NULL in _prisma_migrations). Fix the database by hand, ' +
        `then mark it with \`prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied).` +
        (failed.logs ? `\nLogs: ${failed.logs}` : ''),
    );
  }
  const files = new Map(migrations.map((migration) => [migration.name, migration]));
  const applied = new Set<string>();
  for (const record of records) {
    if (record.finished_at === null || record.rolled_back_at !== null) continue;
    const file = files.get(record.migration_name);
    if (file && !checksumMatches(file, record.checksum)) {
      throw new MigrationError(
        `Migration "${record.migration_name}" was modified after it was applied (checksum ${record.checksum} ` +
          `in _prisma_migrations, ${file.checksum} on disk). Restore the original migration.sql and put the ` +
          'change in a new migration.',
      );
    }
    applied.add(record.migration_name);
  }
  return applied;
}

/** As Prisma, a checkout that only changed line endings (git autocrlf) still matches. */
function checksumMatches(file: MigrationFile, recorded: string): boolean {
  if (file.checksum === recorded) return true;
  const lf = file.sql.replace(/\r\n/g, '\n');
  return migrationChecksum(lf) === recorded || migrationChecksum(lf.replace(/\n/g, '\r\n')) === recorded;
}

async function applyOne(session: SqlSession, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await session.transaction(async (tx) => {
      await tx.query('INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name") VALUES ($1, $2, $3)', [
        id,
        migration.checksum,
        migration.name,
      ]);
      await tx.exec(migration.sql);
      await tx.query(
        'UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), ' +
          '"applied_steps_count" = "applied_steps_count" + 1 WHERE "id" = $1',
        [id],
      );
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The transaction undid everything, so record the attempt as rolled back: Prisma reads that
    // as "apply again", and the logs keep the reason.
    await session
      .query(
        'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "logs", "rolled_back_at") ' +
          'VALUES ($1, $2, $3, $4, now())',
        [id, migration.checksum, migration.name, message],
      )
      .catch(() => undefined);
    throw new MigrationError(`Migration "${migration.name}" failed and was rolled back: ${message}`, {
      cause: error,
    });
  }
}
