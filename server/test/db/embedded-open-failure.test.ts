import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { readMigrationFiles } from '../../src/db/migration-files.js';
import { pgliteVersion } from '../../src/db/pglite-runtime.js';

/**
 * Embedded mode opens PGlite in the background (openDatabase returns once the data dir is locked),
 * so a failure while filling or starting it must still reach the caller and must not keep the data
 * dir locked. Made to fail here by a template that fits but cannot be copied (a dangling link).
 */
describe('an embedded database that cannot be opened', () => {
  let root: string;
  let dataDir: string;
  let templateDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-open-failure-'));
    dataDir = join(root, 'data');
    templateDir = join(root, 'template');
    await mkdir(join(templateDir, 'pgdata'), { recursive: true });
    const migrations = await readMigrationFiles();
    const manifest = {
      format: 1,
      pglite: pgliteVersion(),
      migrations: migrations.map(({ name, checksum }) => ({ name, checksum })),
    };
    await writeFile(join(templateDir, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(join(templateDir, 'pgdata', 'PG_VERSION'), '17\n');
    await symlink(join(root, 'nowhere'), join(templateDir, 'pgdata', 'postgresql.conf'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('rejects migrate(), isMigrated() and queries with the error, and leaves the data dir unlocked', async () => {
    const db = await openDatabase({ dataDir, templateDir });
    await expect(db.migrate()).rejects.toThrow(/ENOENT/);
    await expect(db.isMigrated()).rejects.toThrow(/ENOENT/);
    await expect(db.prisma.$queryRawUnsafe('SELECT 1')).rejects.toThrow();
    // Released as soon as the open failed, before close(): another open may take the folder.
    const release = lockDataDir(dataDir);
    release();
    await db.close();
  });

  it('close() releases the data dir when nothing was awaited', async () => {
    const db = await openDatabase({ dataDir: join(root, 'other'), templateDir });
    await db.close();
    const release = lockDataDir(join(root, 'other'));
    release();
  });
});
