import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, readMigrationFiles } from '../../src/db/index.js';
import { createMigratedTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * Most test files start from a clone of a migrated template instead of migrating an empty database
 * (test/helpers/db.ts): the clone must be exactly what migrating gives, and each one its own.
 */
const created: TestDatabase[] = [];
afterAll(async () => {
  for (const database of created) await database.drop();
});

async function rows(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

it('a migrated test database has every migration of this checkout recorded as applied, and nothing pending', async () => {
  const database = await createMigratedTestDatabase();
  created.push(database);
  const recorded = await rows(
    database.url,
    'SELECT migration_name AS name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
  );
  const files = await readMigrationFiles();
  expect(recorded).toEqual(files.map(({ name, checksum }) => ({ name, checksum })));
  const db = await openDatabase({ databaseUrl: database.url, dataDir: 'unused' });
  try {
    expect(await db.migrate()).toEqual({ applied: [] });
    expect(await db.isMigrated()).toBe(true);
  } finally {
    await db.close();
  }
});

it('gives each caller its own database, concurrently', async () => {
  const [a, b] = await Promise.all([createMigratedTestDatabase(), createMigratedTestDatabase()]);
  created.push(a!, b!);
  expect(a!.name).not.toBe(b!.name);
  const db = await openDatabase({ databaseUrl: a!.url, dataDir: 'unused' });
  try {
    await db.prisma.project.create({ data: { key: 'only-in-a', name: 'A' } });
  } finally {
    await db.close();
  }
  expect(await rows(a!.url, 'SELECT key FROM projects')).toEqual([{ key: 'only-in-a' }]);
  expect(await rows(b!.url, 'SELECT key FROM projects')).toEqual([]);
});
