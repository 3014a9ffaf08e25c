import { constants, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE } from './data-dir-lock.js';
import { serverDir, type MigrationFile } from './migration-files.js';
import { migrate } from './migrator.js';
import { createPGlite, pgliteVersion } from './pglite-runtime.js';
import { pgliteSession, type SqlQueryable } from './sql-session.js';

/**
 * A pre-migrated embedded data dir, made by the server's build (scripts/embedded-template.mjs) and
 * copied into an empty data dir at first start.
 *
 * Why: PGlite creates a data dir by running initdb in a second WebAssembly instance next to a
 * second Postgres instance, then copying the result over in memory: ~5 s of CPU and ~870 MB of
 * RSS, every first start, for the same bytes. Copying the files is ~0.3 s and no extra memory.
 *
 * The template is generated from prisma/migrations by the real migrator, never written by hand, and
 * `manifest.json` records the migrations (names and checksums) it holds and the PGlite version that
 * made it. It is used only when that PGlite is the installed one and its migrations are a prefix of
 * the migrations folder; the migrator then applies the ones added since, as on any database. In any
 * other case the data dir is created by PGlite's initdb as before.
 */

/** Bump when the generator changes what the template holds: older templates are then rebuilt. */
const TEMPLATE_FORMAT = 1;

/** What a template holds, written next to its `pgdata` folder. */
export interface TemplateManifest {
  format: number;
  pglite: string;
  migrations: { name: string; checksum: string }[];
}

/** The template shipped with the server: server/dist/embedded-template (see migration-files.ts). */
export const defaultTemplateDir = fileURLToPath(new URL('dist/embedded-template', serverDir(import.meta.url)));

/** Present in a data dir while a template is being copied into it; see copyTemplate. */
const PARTIAL_MARKER = 'switchyard-template.partial';

/** PGlite (like Postgres) treats a data dir as existing once it holds PG_VERSION. */
const PG_VERSION = 'PG_VERSION';

const manifestOf = (migrations: MigrationFile[]): TemplateManifest => ({
  format: TEMPLATE_FORMAT,
  pglite: pgliteVersion(),
  migrations: migrations.map(({ name, checksum }) => ({ name, checksum })),
});

async function readManifest(templateDir: string): Promise<TemplateManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(templateDir, 'manifest.json'), 'utf8')) as TemplateManifest;
  } catch {
    return undefined;
  }
}

/**
 * True when a template with `manifest` can start a database for `migrations` with this PGlite:
 * same format and PGlite version, and its migrations are the first of `migrations`, name and
 * checksum alike (a later one is applied by the migrator; an edited one must not be in the data).
 */
export function templateFits(manifest: TemplateManifest, migrations: MigrationFile[], pglite: string): boolean {
  if (manifest.format !== TEMPLATE_FORMAT || manifest.pglite !== pglite) return false;
  if (manifest.migrations.length > migrations.length) return false;
  return manifest.migrations.every(
    (held, index) => held.name === migrations[index]?.name && held.checksum === migrations[index]?.checksum,
  );
}

/** True when `templateDir` already holds a template of exactly `migrations` for this PGlite. */
export async function templateIsCurrent(templateDir: string, migrations: MigrationFile[]): Promise<boolean> {
  const manifest = await readManifest(templateDir);
  return (
    manifest !== undefined &&
    existsSync(join(templateDir, 'pgdata', PG_VERSION)) &&
    JSON.stringify(manifest) === JSON.stringify(manifestOf(migrations))
  );
}

/**
 * Writes a template of `migrations` to `templateDir` (replacing what is there): a PGlite data dir
 * made by initdb, migrated by the migrator, and cleanly shut down. Built beside the target and
 * renamed into place, so an interrupted build leaves no half template.
 */
export async function buildTemplate(templateDir: string, migrations: MigrationFile[]): Promise<void> {
  const building = `${templateDir}.building`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const pglite = await createPGlite(join(building, 'pgdata'));
  try {
    await migrate(pgliteSession(pglite), migrations);
  } finally {
    await pglite.close();
  }
  await makeReadable(building);
  await writeFile(join(building, 'manifest.json'), `${JSON.stringify(manifestOf(migrations), null, 2)}\n`);
  await rm(templateDir, { recursive: true, force: true });
  await rename(building, templateDir);
}

/**
 * Fills the empty data dir `dataDir` from the template when it fits `migrations`; returns whether
 * it did. Leaves a data dir that holds a database, or anything but our lock file, to PGlite.
 *
 * PG_VERSION is copied last, under a marker file: a copy interrupted before it is found by the
 * marker at the next start, cleared and made again; one interrupted after it is complete.
 */
export async function copyTemplate(
  dataDir: string,
  templateDir: string,
  migrations: MigrationFile[],
): Promise<boolean> {
  const entries = await readdir(dataDir);
  const interrupted = entries.includes(PARTIAL_MARKER);
  if (entries.includes(PG_VERSION)) {
    if (interrupted) await rm(join(dataDir, PARTIAL_MARKER), { force: true });
    return false;
  }
  if (!interrupted && entries.some((entry) => entry !== LOCK_FILE)) return false;
  if (interrupted) {
    // Only our own leftovers are here: the marker is written before anything else is copied.
    await Promise.all(
      entries
        .filter((entry) => entry !== LOCK_FILE && entry !== PARTIAL_MARKER)
        .map((entry) => rm(join(dataDir, entry), { recursive: true, force: true })),
    );
  }
  const manifest = await readManifest(templateDir);
  const pgdata = join(templateDir, 'pgdata');
  if (!manifest || !templateFits(manifest, migrations, pgliteVersion()) || !existsSync(join(pgdata, PG_VERSION))) {
    await rm(join(dataDir, PARTIAL_MARKER), { force: true });
    return false;
  }
  await writeFile(join(dataDir, PARTIAL_MARKER), '');
  await copyTree(pgdata, dataDir, (entry) => entry !== PG_VERSION);
  await copyFile(join(pgdata, PG_VERSION), join(dataDir, PG_VERSION));
  await rm(join(dataDir, PARTIAL_MARKER));
  return true;
}

/**
 * Makes every file 0644 and folder 0755. Postgres writes some files 0600, and a template built as
 * root (the Docker image's build stage) must be copied by the user the server runs as; the copies
 * keep these modes (PGlite's own initdb wrote its files 0666).
 */
async function makeReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? makeReadable(join(dir, entry.name)) : chmod(join(dir, entry.name), 0o644),
    ),
  );
}

/**
 * Copies the folder tree `from` into `to` (top-level entries filtered by `include`). Not fs.cp: its
 * checks per file (stat of source and target, then the copy) cost twice the CPU for the ~1,000
 * small files of a data dir (measured: ~400 vs ~200 ms). Each file is cloned where the file system
 * can (copy-on-write: APFS on macOS, btrfs, XFS), which shares the template's blocks until
 * Postgres writes them; elsewhere (ext4, overlayfs) it is copied as before.
 */
async function copyTree(from: string, to: string, include: (entry: string) => boolean = () => true): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = (await readdir(from, { withFileTypes: true })).filter((entry) => include(entry.name));
  await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? copyTree(join(from, entry.name), join(to, entry.name))
        : copyFile(join(from, entry.name), join(to, entry.name), constants.COPYFILE_FICLONE),
    ),
  );
}

/**
 * Makes the template's `_prisma_migrations` rows this database's own: a fresh id per row (the
 * template's are shared by every copy) and the time the database was created, instead of the
 * build's. Names, checksums and step counts stay as the migrator wrote them.
 */
export async function adoptTemplateBookkeeping(db: Pick<SqlQueryable, 'exec'>): Promise<void> {
  await db.exec(
    'UPDATE "_prisma_migrations" SET "id" = gen_random_uuid()::text, "started_at" = now(), "finished_at" = now()',
  );
}
