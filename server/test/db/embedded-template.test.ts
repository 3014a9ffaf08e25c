import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';
import {
  buildTemplate,
  copyTemplate,
  templateFits,
  templateIsCurrent,
  type TemplateManifest,
} from '../../src/db/embedded-template.js';
import { readMigrationFiles, type MigrationFile } from '../../src/db/migration-files.js';
import { pgliteVersion } from '../../src/db/pglite-runtime.js';
import { actualSchema } from './schema-model.js';

const migration = (name: string, checksum: string): MigrationFile => ({ name, sql: '', checksum });

describe('templateFits: a template is used only for the PGlite and the migrations it was made from', () => {
  const files = [migration('1_init', 'aaa'), migration('2_more', 'bbb')];
  const manifest = (migrations: TemplateManifest['migrations'], pglite = '1.0.0'): TemplateManifest => ({
    format: 1,
    pglite,
    migrations,
  });
  it.each([
    [
      'all of the migrations',
      manifest([
        { name: '1_init', checksum: 'aaa' },
        { name: '2_more', checksum: 'bbb' },
      ]),
      true,
    ],
    ['the first of them (the migrator applies the rest)', manifest([{ name: '1_init', checksum: 'aaa' }]), true],
    ['none of them', manifest([]), true],
    ['a migration edited since (another checksum)', manifest([{ name: '1_init', checksum: 'zzz' }]), false],
    ['a migration that is not first', manifest([{ name: '2_more', checksum: 'bbb' }]), false],
    [
      'a migration that is no longer in the folder',
      manifest([
        { name: '1_init', checksum: 'aaa' },
        { name: '2_more', checksum: 'bbb' },
        { name: '3_gone', checksum: 'ccc' },
      ]),
      false,
    ],
    ['another PGlite version', manifest([{ name: '1_init', checksum: 'aaa' }], '0.9.0'), false],
    ['another template format', { ...manifest([]), format: 0 }, false],
  ])('%s → %s', (_label, held, fits) => {
    expect(templateFits(held, files, '1.0.0')).toBe(fits);
  });
});

interface BookkeepingRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

const bookkeeping = (db: Database) =>
  db.prisma.$queryRawUnsafe<BookkeepingRow[]>(
    'SELECT "id", "migration_name", "checksum", "finished_at" IS NOT NULL AS "finished", "rolled_back_at", "logs", ' +
      '"applied_steps_count" FROM "_prisma_migrations" ORDER BY "migration_name"',
  );
const withoutId = ({ id: _id, ...row }: BookkeepingRow) => row;

// Three PGlite databases, two of them made by initdb (the template's and the reference): slow on a
// busy machine, hence the long timeouts.
describe('an empty data dir started from a template', { timeout: 240_000 }, () => {
  let root: string;
  let templateDir: string;
  let migrations: MigrationFile[];
  const opened: Database[] = [];
  const open = async (dataDir: string, template: string | null) => {
    const db = await openDatabase({ dataDir, templateDir: template });
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-template-'));
    migrations = await readMigrationFiles();
    expect(migrations.length).toBeGreaterThan(1);
    templateDir = join(root, 'template');
    // Made from all migrations but the last, as if that one had been added after the build.
    await buildTemplate(templateDir, migrations.slice(0, -1));
  }, 240_000);

  afterAll(async () => {
    for (const db of opened) await db.close();
    await rm(root, { recursive: true, force: true });
  });

  it('records what it holds in its manifest', async () => {
    expect(await templateIsCurrent(templateDir, migrations.slice(0, -1))).toBe(true);
    expect(await templateIsCurrent(templateDir, migrations)).toBe(false);
    const manifest = JSON.parse(await readFile(join(templateDir, 'manifest.json'), 'utf8')) as TemplateManifest;
    expect(manifest.pglite).toBe(pgliteVersion());
    // Readable by any user: the Docker image builds it as root and runs the server as uid 1000.
    const files = await readdir(templateDir, { recursive: true, withFileTypes: true });
    const unreadable = [];
    for (const file of files) {
      const { mode } = await stat(join(file.parentPath, file.name));
      if ((mode & 0o444) !== 0o444) unreadable.push(file.name);
    }
    expect(unreadable).toEqual([]);
  });

  it('ends with the same schema and _prisma_migrations as a data dir made by initdb and migrated', async () => {
    const fromTemplate = await open(join(root, 'from-template'), templateDir);
    // The template's migrations count as applied; the one added later is applied now.
    expect(await fromTemplate.migrate()).toEqual({ applied: [migrations.at(-1)!.name] });
    // (The data dir is filled from the template while openDatabase's caller goes on: by now it is.)
    expect(existsSync(join(root, 'from-template', 'PG_VERSION'))).toBe(true);

    const reference = await open(join(root, 'reference'), null);
    expect(await reference.migrate()).toEqual({ applied: migrations.map((m) => m.name) });

    const expected = migrations.map((m) => ({
      migration_name: m.name,
      checksum: m.checksum,
      finished: true,
      rolled_back_at: null,
      logs: null,
      applied_steps_count: 1,
    }));
    expect((await bookkeeping(fromTemplate)).map(withoutId)).toEqual(expected);
    expect((await bookkeeping(reference)).map(withoutId)).toEqual(expected);
    const query = (db: Database) => (sql: string) => db.prisma.$queryRawUnsafe(sql);
    expect(await actualSchema(query(fromTemplate))).toEqual(await actualSchema(query(reference)));
  });

  it("gives every copy its own bookkeeping ids, dated when the copy was made, not the build's", async () => {
    const before = new Date();
    const [first, second] = await Promise.all([
      open(join(root, 'copy-1'), templateDir),
      open(join(root, 'copy-2'), templateDir),
    ]);
    const firstIds = (await bookkeeping(first)).map((row) => row.id);
    const secondIds = (await bookkeeping(second)).map((row) => row.id);
    expect(firstIds).toHaveLength(migrations.length - 1);
    expect(new Set([...firstIds, ...secondIds]).size).toBe(firstIds.length + secondIds.length);
    const [dates] = await first.prisma.$queryRawUnsafe<{ earliest: Date }[]>(
      'SELECT min("started_at") AS "earliest" FROM "_prisma_migrations"',
    );
    expect(dates!.earliest.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  describe('copyTemplate', () => {
    const dataDir = async (name: string, files: Record<string, string>) => {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
      return dir;
    };

    it('fills a data dir that holds only the lock file', async () => {
      const dir = await dataDir('only-lock', { [LOCK_FILE]: '1\n' });
      expect(await copyTemplate(dir, templateDir, migrations)).toBe(true);
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe('1\n');
      expect(existsSync(join(dir, 'switchyard-template.partial'))).toBe(false);
    });

    it('leaves a data dir with files of its own to PGlite, untouched', async () => {
      const dir = await dataDir('foreign', { 'notes.txt': 'mine' });
      expect(await copyTemplate(dir, templateDir, migrations)).toBe(false);
      expect(await readdir(dir)).toEqual(['notes.txt']);
    });

    it('clears and redoes a copy that was interrupted (the marker is there, PG_VERSION is not)', async () => {
      const dir = await dataDir('interrupted', { 'switchyard-template.partial': '', base: 'half-copied' });
      expect(await copyTemplate(dir, templateDir, migrations)).toBe(true);
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dir, 'switchyard-template.partial'))).toBe(false);
    });

    it('uses no template whose migrations were edited since; clears an interrupted copy anyway', async () => {
      const edited = migrations.map((m, index) => (index === 0 ? { ...m, checksum: 'edited' } : m));
      const dir = await dataDir('edited', { 'switchyard-template.partial': '', base: 'half-copied' });
      expect(await copyTemplate(dir, templateDir, edited)).toBe(false);
      expect(await readdir(dir)).toEqual([]);
    });
  });
});
