/**
 * Where a toggle's CPU goes (`PROFILE=toggles` of bench:scale, or `node bench/scale/profile-toggles.mjs`):
 * the bench's two replicas and Redis at FLAGS flags (default 200), replica A started with
 * `--cpu-prof`; TOGGLES toggles through A (after a warm-up), then A is stopped and its profile is
 * read: only the samples taken between the first and the last measured toggle count (V8's profile
 * clock is the monotonic clock `process.hrtime` reads, so the window is exact; start-up and
 * shutdown are left out). Prints CPU per toggle of A and B (from /proc), the top self-time
 * functions and self time per package, per toggle.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { closeClient } from '../server/http-client.mjs';
import { startRedis } from '../server/redis-process.mjs';
import { createBenchDatabase, startServer } from '../server/server-process.mjs';
import { measureToggles } from '../server/toggles.mjs';
import { seedEnvironment, TOGGLE_FLAG } from './seed.mjs';

const FLAGS = Number(process.env.FLAGS ?? 200);
const TOGGLES = Number(process.env.TOGGLES ?? 500);
const TOP = Number(process.env.TOP ?? 30);
// Toggles before the measured ones. V8 optimizes the toggle path only after ~1,000-3,000 toggles
// (until then most of it runs as baseline code), so the default measures a freshly started
// replica; WARMUP=3000 measures one at steady state.
const WARMUP = Number(process.env.WARMUP ?? 50);
const COUNT_QUERIES = process.env.COUNT_QUERIES === '1';
const PROFILE_REPLICA = process.env.PROFILE_REPLICA ?? 'a';
const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const FLAG_PATH = `/api/v1/projects/bench/flags/${TOGGLE_FLAG}/environments/prod`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Self time (µs) per function and per package of the samples in [fromUs, toUs]. */
export function selfTimes(profile, fromUs, toUs) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map();
  const packages = new Map();
  let total = 0;
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    time += profile.timeDeltas[index];
    const next = index + 1 < profile.timeDeltas.length ? profile.timeDeltas[index + 1] : 0;
    if (time < fromUs || time > toUs) continue;
    const node = byId.get(profile.samples[index]);
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const weight = next;
    total += weight;
    const place = url ? `${url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${place}`;
    functions.set(key, (functions.get(key) ?? 0) + weight);
    packages.set(packageOf(url, functionName), (packages.get(packageOf(url, functionName)) ?? 0) + weight);
  }
  return { total, functions, packages };
}

function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node:*';
  if (url.includes('/server/dist/')) return 'server (own code)';
  if (url.includes('/core/')) return '@switchyard/core';
  return url;
}

export async function profileToggles({ flags = FLAGS, toggles = TOGGLES } = {}) {
  const database = await createBenchDatabase(PG_URL);
  const redis = await startRedis();
  const profileDir = mkdtempSync(join(tmpdir(), 'sy-toggle-profile-'));
  const adminToken = `bench_admin_${randomBytes(16).toString('hex')}`;
  const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SWITCHYARD_ADMIN_TOKEN: adminToken };
  const servers = [];
  try {
    const seeder = await startServer(env);
    const tokens = await seedEnvironment({ baseUrl: seeder.baseUrl, adminToken, databaseUrl: database.url, flags });
    await seeder.stop();
    // COUNT_QUERIES=1: both replicas log the statements they send (count-queries.mjs).
    const counting = (name) =>
      COUNT_QUERIES
        ? {
            env: { ...env, SWITCHYARD_BENCH_QUERY_LOG: join(profileDir, `queries-${name}.json`) },
            args: ['--import', fileURLToPath(new URL('./count-queries.mjs', import.meta.url))],
          }
        : { env, args: [] };
    const countA = counting('a');
    const a = await startServer(countA.env, {
      nodeArgs: [...countA.args, ...(PROFILE_REPLICA === 'a' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    });
    servers.push(a);
    const countB = counting('b');
    // PROFILE_REPLICA=b: profile B (the replica that applies A's changes) instead of A.
    const profiled = (name) => (PROFILE_REPLICA === name ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    const b = await startServer(countB.env, { nodeArgs: [...countB.args, ...profiled('b')] });
    servers.push(b);
    for (const server of [a, b]) {
      await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`, { headers: { authorization: `Bearer ${tokens.server}` } });
    }
    await measureToggles({ baseUrl: a.baseUrl, adminToken, flagPath: FLAG_PATH, count: WARMUP, pids: [a.pid] });
    await sleep(300);
    const transactions = () => databaseTransactions(PG_URL, database.name);
    const transactionsBefore = await transactions();
    const from = nowUs();
    const measured = await measureToggles({
      baseUrl: a.baseUrl,
      adminToken,
      flagPath: FLAG_PATH,
      count: toggles,
      pids: [a.pid, b.pid],
      settle: () => sleep(300),
    });
    const to = nowUs();
    if (process.env.KEEP_PROFILE) writeFileSync(join(profileDir, 'window.json'), JSON.stringify({ from, to, toggles }));
    // Every statement outside a transaction commits one; the bench's own query adds one.
    const statementsPerToggle = ((await transactions()) - transactionsBefore - 1) / toggles;
    await a.stop();
    await b.stop();
    servers.length = 0;
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`replica ${PROFILE_REPLICA.toUpperCase()} wrote no profile`);
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
    const queries = COUNT_QUERIES
      ? Object.fromEntries(
          ['a', 'b'].map((name) => [name, queriesIn(join(profileDir, `queries-${name}.json`), from, to)]),
        )
      : undefined;
    const times = [...measured.times].sort((x, y) => x - y);
    return {
      flags,
      toggles,
      p50Ms: times[Math.floor(times.length / 2)],
      cpuMsPerToggle: measured.cpuMsPerToggleByPid,
      statementsPerToggle,
      queries,
      ...selfTimes(profile, from, to),
    };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    await redis.stop();
    await database.drop();
    // KEEP_PROFILE=1 leaves the .cpuprofile (and the measured window) for a closer look.
    if (process.env.KEEP_PROFILE) process.stderr.write(`profile kept in ${profileDir}\n`);
    else rmSync(profileDir, { recursive: true, force: true });
  }
}

/** Statements a replica sent in [fromUs, toUs], by text (count-queries.mjs's log). */
function queriesIn(file, fromUs, toUs) {
  const counts = new Map();
  for (const [at, text] of JSON.parse(readFileSync(file, 'utf8'))) {
    if (at >= fromUs && at <= toUs) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

/** Transactions committed in one database so far (`pg_stat_database`; flushed by the server every ~second). */
async function databaseTransactions(url, name) {
  await sleep(1_100); // statistics reach pg_stat_database when a backend is idle, at most every second
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [name],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** The report as text: per toggle, in µs. */
export function formatProfile(result, top = TOP) {
  const per = (us) => (us / result.toggles).toFixed(1).padStart(8);
  const lines = [
    `${result.flags} flags, ${result.toggles} toggles through replica A: p50 ${result.p50Ms.toFixed(2)} ms; ` +
      `CPU per toggle A ${result.cpuMsPerToggle[0].toFixed(2)} ms, B ${result.cpuMsPerToggle[1].toFixed(2)} ms (/proc); ` +
      `profiled on ${PROFILE_REPLICA.toUpperCase()}: ${(result.total / result.toggles / 1000).toFixed(2)} ms per toggle on the main thread; ` +
      `${result.statementsPerToggle.toFixed(2)} Postgres transactions per toggle (both replicas)`,
    '',
    'self µs/toggle  package',
  ];
  for (const [name, us] of [...result.packages].sort((x, y) => y[1] - x[1]).slice(0, 15))
    lines.push(`${per(us)}  ${name}`);
  for (const [name, counts] of Object.entries(result.queries ?? {})) {
    const all = [...counts.values()].reduce((sum, n) => sum + n, 0);
    lines.push('', `statements per toggle sent by replica ${name.toUpperCase()}: ${(all / result.toggles).toFixed(2)}`);
    for (const [text, n] of [...counts].sort((x, y) => y[1] - x[1]).slice(0, 15))
      lines.push(`${(n / result.toggles).toFixed(3).padStart(8)}  ${text}`);
  }
  lines.push('', 'self µs/toggle  function');
  for (const [name, us] of [...result.functions].sort((x, y) => y[1] - x[1]).slice(0, top))
    lines.push(`${per(us)}  ${name}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${formatProfile(await profileToggles())}\n`);
  } finally {
    closeClient();
  }
}
