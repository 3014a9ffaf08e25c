/**
 * `npm run db:check-regexes -w server` (or `node server/dist/cli/check-regexes.js`): lists the
 * `regex` patterns stored in flag configurations and segments that the current write-time check
 * refuses (see features/flag-config/stored-regexes.ts). Run it after upgrading from a version with
 * the older, weaker check, and fix what it lists through the admin API.
 *
 * Environment: DATABASE_URL (unset: the embedded database in SWITCHYARD_DATA_DIR, default ./data).
 * Exit code 0 when nothing is refused, 4 when it lists patterns, 1 when it failed.
 */
import { openDatabase } from '../db/client.js';
import { findRefusedStoredRegexes } from '../features/flag-config/stored-regexes.js';

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const db = await openDatabase({
    databaseUrl: nonEmpty(env['DATABASE_URL']),
    dataDir: nonEmpty(env['SWITCHYARD_DATA_DIR']) ?? './data',
  });
  try {
    const refused = await findRefusedStoredRegexes(db.prisma);
    for (const { project, environment, where, pattern, problem } of refused) {
      const place = environment === undefined ? `${project}: ${where}` : `${project}/${environment}: ${where}`;
      console.log(`${place}: ${JSON.stringify(pattern)} ${problem}`);
    }
    console.log(refused.length === 0 ? 'No stored regex pattern is refused.' : `${refused.length} refused pattern(s).`);
    return refused.length === 0 ? 0 : 4;
  } finally {
    await db.close();
  }
}

main(process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
