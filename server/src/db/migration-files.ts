import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One folder of prisma/migrations: `<timestamp>_<name>/migration.sql`. */
export interface MigrationFile {
  /** The folder name, which is also the `migration_name` Prisma records. */
  name: string;
  sql: string;
  /** SHA-256 hex of the migration.sql bytes, as Prisma Migrate computes it. */
  checksum: string;
}

/**
 * The committed migrations folder, prisma/migrations at the repository (or image) root. Resolved
 * from this module's location: server/src/db (tests) or server/dist/db (`node dist/server.js`), or
 * server/dist itself when this module is part of the bundle dist/main.js (scripts/bundle.mjs).
 */
export const defaultMigrationsDir = fileURLToPath(new URL('../prisma/migrations', serverDir(import.meta.url)));

/** The server workspace folder (server/, or /app/server in the image) of a module URL in it. */
export function serverDir(moduleUrl: string): URL {
  const folder = new URL('.', moduleUrl);
  return new URL(folder.pathname.endsWith('/db/') ? '../../' : '../', folder);
}

/** Prisma's checksum of a migration script: SHA-256 of its bytes, lowercase hex. */
export function migrationChecksum(sql: Buffer | string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * Reads every migration folder in `dir`, in name order (the order Prisma applies them in).
 * Fails when the folder is missing or its migration_lock.toml names another provider, so a
 * misconfigured path never looks like "nothing to apply".
 */
export async function readMigrationFiles(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  if (!existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  await checkLockFile(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: MigrationFile[] = [];
  for (const name of folders) {
    const path = join(dir, name, 'migration.sql');
    // Prisma skips folders without a migration.sql (e.g. leftovers of a deleted migration) too.
    if (!existsSync(path)) continue;
    const bytes = await readFile(path);
    migrations.push({ name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) });
  }
  return migrations;
}

async function checkLockFile(dir: string): Promise<void> {
  const path = join(dir, 'migration_lock.toml');
  if (!existsSync(path)) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(await readFile(path, 'utf8'))?.[1];
  if (provider !== undefined && provider !== 'postgresql') {
    throw new Error(`${path} is for provider "${provider}", but Switchyard runs on "postgresql"`);
  }
}
