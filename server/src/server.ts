/**
 * The server's entry point: config → database → migrations → demo seed → admin token → set-up
 * token → HTTP. Prints where it listens and, when it just made them, the admin token and the link
 * that creates the first owner. `npm start` runs its
 * bundle, dist/main.js (scripts/bundle.mjs); `node dist/server.js` runs it unbundled.
 */
// First: V8 flags must be set before the first WebAssembly compile (Prisma's query compiler).
import { endStartupWasmTiering } from './v8-tuning.js';
import type { App } from './app.js';
import { ChangeNotifier } from './changes/index.js';
import { loadConfigOrExit, type Config } from './config.js';
import { openDatabase, type Database } from './db/index.js';
import { regexPatternProblemAsync } from '@switchyard/core/schema';
import { ensureAdminToken, type AdminTokenBootstrap } from './features/tokens/bootstrap.js';
import { ensureSetupToken } from './features/users/setup.js';
import { disableRefusedStoredRegexes, type StoredRegexFixReport } from './features/flag-config/stored-regex-fix.js';
import { loadPropagationOptions } from './propagation/options.js';
import { seedDemo } from './seed/seed-demo.js';
import { announceStartup, serverVersion } from './startup-banner.js';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfigOrExit();

  let db: Database | undefined;
  let app: App | undefined;
  // Load the HTTP stack (fastify, swagger, every feature) while the database opens: both take a while.
  const appModule = import('./app.js');
  try {
    const database = (db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
    // The migration mostly waits for the database (in embedded mode, openDatabase returns while it
    // still fills the data dir and starts PGlite): build the app meanwhile (buildApp sends no
    // query; the app's own database work, such as outbox polling, starts in onReady, at listen).
    const changes = new ChangeNotifier((error) => app?.log.error({ err: error }, 'change listener failed'));
    const deps = { prisma: database.prisma, notifier: changes };
    const bootstrapping = (config.migrateOnStart ? database.migrate() : checkMigrated(database)).then(async () => {
      // In this order: the seed only runs on a database with no history, and the token is history.
      const seeded = config.seedDemo ? await seedDemo(deps) : false;
      const bootstrap = await ensureAdminToken(deps, config.adminToken);
      // While nobody owns the instance: a one-time token to create the first owner (printed below).
      const setupToken = await ensureSetupToken(deps);
      // Before listening, so this replica never serves a pattern the write path would refuse.
      const regexes = await disableRefusedStoredRegexes(deps);
      return { seeded, bootstrap, regexes, setupToken };
    });
    const building = appModule.then(({ buildApp }) =>
      buildApp({ db: database, config, changes, propagation: loadPropagationOptions() }),
    );
    const [booted, built] = await Promise.allSettled([bootstrapping, building]);
    if (built.status === 'fulfilled') app = built.value;
    if (booted.status === 'rejected') throw booted.reason;
    if (built.status === 'rejected') throw built.reason;
    const { seeded, bootstrap, regexes, setupToken } = booted.value;
    app = built.value;
    logStoredRegexFix(app, regexes);
    await app.listen({ port: config.port, host: config.host });
    endStartupWasmTiering();
    handleSignals(app, db);
    printBanner(app, db, config, { seeded, bootstrap, setupToken, startMs: performance.now() - startedAt });
    warmRegexCheckLater();
  } catch (error) {
    process.stderr.write(`Switchyard failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    await app?.close().catch(() => {});
    await db?.close().catch(() => {});
    process.exit(1);
  }
}

/** How long after the URL recheck is loaded; see warmRegexCheckLater. */
const REGEX_CHECK_WARM_UP_DELAY_MS = 1500;

/**
 * Loads recheck (the ReDoS checker: ~3 MB of Scala.js, ~100–250 ms of module evaluation on this
 * thread and ~20 MB of heap) after the URL is printed, so the first write of a regex does not pay
 * for it while serving, and the URL does not wait for it either. The check of stored patterns
 * above loads it before listening only when the database holds a pattern.
 */
function warmRegexCheckLater(): void {
  // Not at once: the server's own start-up work (job runner, propagation) runs when it starts
  // listening, and loading recheck on top of it raised the process's peak RSS (measured with
  // bench:start: median 330 MB at once, 313 MB 1.5 s later). A regex written before then loads it
  // itself. The promise never rejects (an unloadable recheck answers "undecided").
  setTimeout(() => void regexPatternProblemAsync('^switchyard$'), REGEX_CHECK_WARM_UP_DELAY_MS).unref();
}

/** Names every stored regex pattern the start-up check took out of service or could not decide. */
function logStoredRegexFix(app: App, { fixed, undecided }: StoredRegexFixReport): void {
  for (const { project, environment, where, pattern, problem } of fixed) {
    const place = environment === undefined ? project : `${project}/${environment}`;
    app.log.warn(
      { project, environment, where, pattern },
      `took the regex ${JSON.stringify(pattern)} of ${where} (${place}) out of service: pattern ${problem}`,
    );
  }
  for (const { project, environment, where, pattern, problem } of undecided) {
    app.log.warn(
      { project, environment, where, pattern },
      `could not decide whether the stored regex ${JSON.stringify(pattern)} of ${where} is safe (${problem}); left as is, checked again at the next start`,
    );
  }
}

async function checkMigrated(db: Database): Promise<void> {
  if (!(await db.isMigrated())) {
    throw new Error(
      'the database schema is not up to date and SWITCHYARD_MIGRATE_ON_START=false; run `npm run db:migrate -w server`',
    );
  }
}

/** Stops accepting requests, lets running ones finish, closes the database; a second signal forces exit. */
function handleSignals(app: App, db: Database): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`Error while shutting down: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function printBanner(
  app: App,
  db: Database,
  config: Config,
  facts: { seeded: boolean; bootstrap: AdminTokenBootstrap; setupToken: string | null; startMs: number },
): void {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  announceStartup(
    { ...facts, url, publicUrl: config.publicUrl, mode: db.mode, dataDir: config.dataDir, version: serverVersion() },
    app.log,
    process.stdout,
  );
}

await main();
