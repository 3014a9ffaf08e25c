import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { prismaDiff, schemaTarget } from './prisma-schema-engine.js';
import { actualSchema, expectedSchema, loadDmmf, type SchemaShape } from './schema-model.js';

// The committed SQL migrations, applied to an empty PostgreSQL database, must give exactly the
// schema prisma/schema.prisma describes. Both sides come from Prisma, not from a copied list.
describe('migrations vs prisma/schema.prisma (PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let actual: SchemaShape;
  let expected: SchemaShape;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
    await db.migrate();
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      actual = await actualSchema(async (sql) => (await client.query(sql)).rows);
    } finally {
      await client.end();
    }
    expected = expectedSchema(loadDmmf());
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('has exactly the tables of the schema', () => {
    expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort());
    expect(Object.keys(expected.tables).length).toBeGreaterThan(0);
  });

  it('has exactly the columns, with their nullability, types and defaults', () => {
    expect(Object.keys(actual.defaults).length).toBeGreaterThan(0);
    for (const [table, columns] of Object.entries(expected.tables)) {
      expect({ table, columns: actual.tables[table] }).toEqual({ table, columns });
    }
  });

  it('has the enums with their values in order', () => {
    expect(actual.enums).toEqual(expected.enums);
  });

  it('has the primary keys, unique and plain indexes under Prisma’s names', () => {
    expect(actual.indexes).toEqual(expected.indexes);
    expect(actual.indexes['projects.projects_key_key']).toEqual({ kind: 'unique', columns: ['key'] });
    expect(actual.indexes['environments.environments_project_id_key_key']?.kind).toBe('unique');
  });

  it('has the foreign keys with their referential actions', () => {
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
  });

  it('matches, catalog for catalog, the SQL Prisma’s schema engine generates for the schema', async () => {
    // `prisma migrate diff --from-empty --to-schema`, replayed on a second empty database.
    const other = await createTestDatabase();
    const client = new pg.Client({ connectionString: other.url });
    try {
      const script = await prismaDiff(other.url, { tag: 'empty' }, schemaTarget());
      expect(script).toContain('CREATE TABLE');
      await client.connect();
      await client.query(script);
      const fromPrisma = await actualSchema(async (sql) => (await client.query(sql)).rows);
      expect(actual).toEqual(fromPrisma);
    } finally {
      await client.end().catch(() => undefined);
      await other.drop();
    }
  });

  it('notices a database that differs from the schema (the comparison can fail)', async () => {
    const other = await createTestDatabase();
    const otherDb = await openDatabase({ databaseUrl: other.url, dataDir: 'unused' });
    const client = new pg.Client({ connectionString: other.url });
    try {
      await otherDb.migrate();
      await client.connect();
      await client.query('ALTER TABLE "projects" DROP COLUMN "description"');
      await client.query('ALTER TABLE "flags" ALTER COLUMN "salt" SET NOT NULL');
      await client.query('ALTER TABLE "segments" ALTER COLUMN "version" SET DEFAULT 2');
      const changed = await actualSchema(async (sql) => (await client.query(sql)).rows);
      expect(changed.tables['projects']).not.toEqual(expected.tables['projects']);
      expect(changed.tables['flags']).not.toEqual(expected.tables['flags']);
      expect(changed.defaults).not.toEqual(actual.defaults);
    } finally {
      await client.end().catch(() => undefined);
      await otherDb.close();
      await other.drop();
    }
  });
});
