/**
 * `npm run db:check-regexes -w server` (or `node server/dist/cli/check-regexes.js`): lists the
 * `regex` patterns stored in flag configurations and segments that the current write-time check
 * refuses (see features/flag-config/stored-regexes.ts). With `-- --fix`, takes them out of service
 * through the audited change path, as the server does at start-up (stored-regex-fix.ts).
 *
 * Environment: DATABASE_URL (unset: the embedded database in SWITCHYARD_DATA_DIR, default ./data).
 * Exit code 0 when nothing is (left) refused, 4 when it lists patterns, 1 when it failed.
 */
import { openDatabase } from '../db/client.js';
import { ChangeNotifier } from '../changes/index.js';
import { disableRefusedStoredRegexes } from '../features/flag-config/stored-regex-fix.js';
import { findRefusedStoredRegexes } from '../features/flag-config/stored-regexes.js';

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

async function main(env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  const db = await openDatabase({
    databaseUrl: nonEmpty(env['DATABASE_URL']),
    dataDir: nonEmpty(env['SWITCHYARD_DATA_DIR']) ?? './data',
  });
  try {
    if (args.includes('--fix')) {
      // Replicas learn of the changes from the change outbox, like any other write.
      const { fixed, undecided } = await disableRefusedStoredRegexes({
        prisma: db.prisma,
        notifier: new ChangeNotifier(),
      });
      for (const { project, environment, where, pattern, problem } of fixed) {
        const place = environment === undefined ? `${project}: ${where}` : `${project}/${environment}: ${where}`;
        console.log(`${place}: took ${JSON.stringify(pattern)} out of service (pattern ${problem})`);
      }
      for (const { project, environment, where, pattern, problem } of undecided) {
        const place = environment === undefined ? `${project}: ${where}` : `${project}/${environment}: ${where}`;
        console.log(`${place}: ${JSON.stringify(pattern)} left as is, undecided (${problem})`);
      }
      console.log(`${fixed.length} pattern(s) taken out of service, ${undecided.length} undecided.`);
      return undecided.length === 0 ? 0 : 4;
    }
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

main(process.env, process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
