import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { readMigrationFiles } from '../../src/db/migration-files.js';
import { definePrismaBehaviourTests } from './prisma-behaviour.js';
import { actualSchema, expectedSchema, loadDmmf } from './schema-model.js';

// PGlite runs initdb (in WASM) the first time a data dir is opened, which takes seconds to tens of
// seconds on a busy machine; this file opens one data dir and reuses it.
describe(
  'openDatabase without a DATABASE_URL (embedded PGlite through pglite-prisma-adapter)',
  { timeout: 180_000 },
  () => {
    let root: string;
    let dataDir: string;
    let db: Database;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'sy-embedded-'));
      dataDir = join(root, 'nested', 'data');
      // The initdb path: this file covers creating and migrating a data dir from nothing.
      db = await openDatabase({ dataDir, templateDir: null });
    }, 180_000);

    afterAll(async () => {
      await db?.close();
      await rm(root, { recursive: true, force: true });
    });

    it('creates the data dir and starts unmigrated, in embedded mode', async () => {
      expect(db.mode).toBe('embedded');
      expect(existsSync(dataDir)).toBe(true);
      expect(await db.isMigrated()).toBe(false);
    });

    it('refuses a second open of the same data dir while it is open', async () => {
      await expect(openDatabase({ dataDir })).rejects.toThrow(
        `The embedded database in ${dataDir} is in use by process`,
      );
    });

    it('applies the migrations once even when migrate() is called twice at once', async () => {
      const [a, b] = await Promise.all([db.migrate(), db.migrate()]);
      const committed = (await readMigrationFiles()).map((m) => m.name);
      expect([...a.applied, ...b.applied]).toEqual(committed);
      expect(await db.isMigrated()).toBe(true);
      const rows = await db.prisma.$queryRaw<
        { migration_name: string; applied_steps_count: number; finished: boolean }[]
      >`
      SELECT "migration_name", "applied_steps_count", "finished_at" IS NOT NULL AS "finished" FROM "_prisma_migrations"`;
      expect(rows.map((r) => r.migration_name).sort()).toEqual([...a.applied, ...b.applied].sort());
      expect(rows.every((r) => r.applied_steps_count === 1 && r.finished)).toBe(true);
    });

    it('gives the same schema as prisma/schema.prisma', async () => {
      const actual = await actualSchema((sql) => db.prisma.$queryRawUnsafe(sql));
      const expected = expectedSchema(loadDmmf());
      expect(actual.tables).toEqual(expected.tables);
      expect(actual.enums).toEqual(expected.enums);
      expect(actual.indexes).toEqual(expected.indexes);
      expect(actual.foreignKeys).toEqual(expected.foreignKeys);
    });

    definePrismaBehaviourTests({ db: () => db, isolation: 'serialized' });

    it('keeps data across close and reopen of the data dir', async () => {
      await db.prisma.project.create({ data: { key: 'kept', name: 'Kept' } });
      await db.close();
      db = await openDatabase({ dataDir });
      expect(await db.isMigrated()).toBe(true);
      expect(await db.migrate()).toEqual({ applied: [] });
      expect((await db.prisma.project.findUnique({ where: { key: 'kept' } }))?.name).toBe('Kept');
    });
  },
);
