/**
 * `npm run db:migrate -w server` (or `node server/dist/cli/migrate.js` in the image): applies the
 * pending migrations of prisma/migrations and exits.
 *
 * Environment: DATABASE_URL (unset: the embedded database in SWITCHYARD_DATA_DIR, default ./data),
 * SWITCHYARD_MIGRATIONS_DIR (default: the prisma/migrations shipped with the server).
 * Exit code 0 when the database is current, 1 when anything failed.
 */
import { openDatabase } from '../db/client.js';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The URL without its password, for printing. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const databaseUrl = nonEmpty(env['DATABASE_URL']);
  const dataDir = nonEmpty(env['SWITCHYARD_DATA_DIR']) ?? './data';
  const db = await openDatabase({
    databaseUrl,
    dataDir,
    migrationsDir: nonEmpty(env['SWITCHYARD_MIGRATIONS_DIR']),
  });
  try {
    console.log(`Database: ${db.mode} (${databaseUrl ? describeUrl(databaseUrl) : dataDir})`);
    const { applied } = await db.migrate();
    if (applied.length === 0) console.log('No pending migrations; the database is up to date.');
    else console.log(`Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join('\n')}`);
  } finally {
    await db.close();
  }
}

main(process.env).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
