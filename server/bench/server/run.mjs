/**
 * Server benchmark (`npm run bench:server`): the built server (dist/main.js) as a child process in
 * Postgres mode, on a fresh database it creates and drops.
 *
 * - toggle latency: TOGGLES sequential POST …/on and …/off, alternately, over keep-alive HTTP;
 * - GET /api/v1/sdk/snapshot with FLAGS flags (each a rule with a condition and a rollout): req/s
 *   for the full body and for 304 (If-None-Match), autocannon, CONNECTIONS connections, DURATION_S each;
 * - cold start: COLD_STARTS spawns of `node dist/main.js` on the migrated database, time until
 *   /readyz answers 200, and VmRSS one second after.
 *
 * Prints a table beside Unleash 8.2 measured on this machine and the targets; writes results.json.
 * Environment overrides: PG_URL, FLAGS (200), TOGGLES (500), DURATION_S (10), CONNECTIONS (50),
 * COLD_STARTS (5), SERVER_DIR (the server workspace whose dist/main.js runs; default this one).
 *
 * PROFILE=toggles|full|304|start: instead, run only that phase on a server started with --cpu-prof
 * (profile written to PROFILE_DIR, default /tmp/switchyard-bench-profile, when the server stops);
 * results.json is left alone.
 *
 * ONLY=toggles|start: run just that phase (start: no seeding, COLD_STARTS cold starts) and print
 * one JSON line; results.json is left alone.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { closeClient, expectStatus } from './http-client.mjs';
import { createBenchDatabase, mainPath, memoryOf, startServer } from './server-process.mjs';
import { benchFlagKeys, seedBenchProject } from './seed-project.mjs';
import { measureSnapshotLoad } from './snapshot-load.mjs';
import { median, percentile } from './stats.mjs';
import { measureToggles as sharedMeasureToggles } from './toggles.mjs';
import { printTable, UNLEASH, TARGETS } from './report.mjs';

const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const FLAGS = Number(process.env.FLAGS ?? 200);
const TOGGLES = Number(process.env.TOGGLES ?? 500);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const COLD_STARTS = Number(process.env.COLD_STARTS ?? 5);
const PROFILE = process.env.PROFILE;
const ONLY = process.env.ONLY;
if (ONLY !== undefined && ONLY !== 'toggles' && ONLY !== 'start') {
  throw new Error(`ONLY must be toggles or start; got ${ONLY}`);
}
const PROFILE_DIR = process.env.PROFILE_DIR ?? '/tmp/switchyard-bench-profile';
const WARMUP_TOGGLES = 20;
const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const loadAverage = () => os.loadavg().map((value) => round(value));

/** Sequential on/off toggles of one flag; returns the per-request times in ms (after a warm-up). */
async function measureToggles(baseUrl, adminToken, pid) {
  const { times, cpuMsPerToggle } = await sharedMeasureToggles({
    baseUrl,
    adminToken,
    flagPath: '/api/v1/projects/bench/flags/toggle/environments/prod',
    count: TOGGLES,
    warmup: WARMUP_TOGGLES,
    pids: [pid],
  });
  return { times, serverCpuMsPerToggle: cpuMsPerToggle };
}

/** autocannon on GET /sdk/snapshot; checks every answer had `expectedStatus`. */
function measureSnapshot(baseUrl, sdkToken, pid, { expectedStatus, ifNoneMatch }) {
  const headers = { authorization: `Bearer ${sdkToken}`, ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) };
  return measureSnapshotLoad({
    baseUrl,
    headers,
    pid,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    expectedStatus,
  });
}

/** PROFILE mode: restart the server under --cpu-prof, run one phase, stop it (which writes the profile). */
async function profilePhase(server, env, adminToken, sdkToken) {
  await server.stop();
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const profiled = await startServer(env, { nodeArgs });
  try {
    process.stderr.write(`profiling ${PROFILE} (pid ${profiled.pid})…\n`);
    if (PROFILE === 'toggles') await measureToggles(profiled.baseUrl, adminToken, profiled.pid);
    else if (PROFILE === 'full')
      await measureSnapshot(profiled.baseUrl, sdkToken, profiled.pid, { expectedStatus: 200 });
    else if (PROFILE === '304') {
      const current = await expectStatus(200, profiled.baseUrl, 'GET', '/api/v1/sdk/snapshot', { token: sdkToken });
      await measureSnapshot(profiled.baseUrl, sdkToken, profiled.pid, {
        expectedStatus: 304,
        ifNoneMatch: current.headers.etag,
      });
    } else if (PROFILE !== 'start') throw new Error(`PROFILE must be toggles, full, 304 or start; got ${PROFILE}`);
  } finally {
    await profiled.stop();
  }
  process.stdout.write(`profile of pid ${profiled.pid} written to ${PROFILE_DIR}\n`);
}

/** COLD_STARTS spawns on the migrated database: time and CPU to the first 200 from /readyz, RSS 1 s later. */
async function measureColdStarts(env) {
  process.stderr.write(`${COLD_STARTS} cold starts…\n`);
  const starts = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const server = await startServer(env);
    try {
      await sleep(1000);
      starts.push({ readyMs: server.readyMs, readyCpuMs: server.readyCpuMs, ...memoryOf(server.pid) });
    } finally {
      await server.stop();
    }
  }
  return {
    medianReadyMs: round(median(starts.map((s) => s.readyMs)), 0),
    medianReadyCpuMs: round(median(starts.map((s) => s.readyCpuMs)), 0),
    medianRssMb: round(median(starts.map((s) => s.rssMb)), 1),
    runs: starts.map((s) => ({
      readyMs: round(s.readyMs, 0),
      readyCpuMs: round(s.readyCpuMs, 0),
      rssMb: round(s.rssMb, 1),
      peakRssMb: round(s.peakRssMb, 1),
    })),
  };
}

async function main() {
  const database = await createBenchDatabase(PG_URL);
  const adminToken = `bench_admin_${randomBytes(16).toString('hex')}`;
  const env = { DATABASE_URL: database.url, SWITCHYARD_ADMIN_TOKEN: adminToken };
  const load = { start: loadAverage() };
  let server;
  try {
    process.stderr.write(`database ${database.name}; starting the server (migrations)…\n`);
    server = await startServer(env);
    if (ONLY === 'start') {
      // A quick A/B of startup: one JSON line, results.json left alone.
      await server.stop();
      server = undefined;
      const started = loadAverage();
      const coldStart = await measureColdStarts(env);
      process.stdout.write(
        `${JSON.stringify({ server: mainPath, loadAverage: [started, loadAverage()], coldStart })}\n`,
      );
      return;
    }
    process.stderr.write(`seeding ${FLAGS} flags…\n`);
    const sdkToken = await seedBenchProject(server.baseUrl, adminToken, { keys: [...benchFlagKeys(FLAGS), 'toggle'] });

    const snapshot = await expectStatus(200, server.baseUrl, 'GET', '/api/v1/sdk/snapshot', { token: sdkToken });
    const flagsWithRule = snapshot.body.flags.filter((f) => f.rules[0]?.conditions.length === 1 && f.rules[0].rollout);
    if (flagsWithRule.length !== FLAGS + 1) throw new Error(`snapshot has ${flagsWithRule.length} flags with a rule`);
    const snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot.body));
    if (PROFILE) {
      await profilePhase(server, env, adminToken, sdkToken);
      server = undefined;
      return;
    }

    process.stderr.write(`${TOGGLES} toggles…\n`);
    load.toggles = loadAverage();
    const { times: toggleTimes, serverCpuMsPerToggle } = await measureToggles(server.baseUrl, adminToken, server.pid);
    const toggle = {
      count: toggleTimes.length,
      p50Ms: round(percentile(toggleTimes, 50)),
      p99Ms: round(percentile(toggleTimes, 99)),
      maxMs: round(Math.max(...toggleTimes)),
      meanMs: round(toggleTimes.reduce((a, b) => a + b, 0) / toggleTimes.length),
      serverCpuMsPerToggle: round(serverCpuMsPerToggle),
    };
    if (ONLY === 'toggles') {
      // A quick A/B of the write path: one JSON line, results.json left alone.
      process.stdout.write(`${JSON.stringify({ server: mainPath, loadAverage: load.toggles, toggle })}\n`);
      return;
    }

    process.stderr.write(`snapshot, full body, ${DURATION_S} s…\n`);
    load.snapshotFull = loadAverage();
    const full = await measureSnapshot(server.baseUrl, sdkToken, server.pid, { expectedStatus: 200 });
    process.stderr.write(`snapshot, 304, ${DURATION_S} s…\n`);
    load.snapshot304 = loadAverage();
    // The toggles moved the revision on: ask for the current ETag.
    const current = await expectStatus(200, server.baseUrl, 'GET', '/api/v1/sdk/snapshot', { token: sdkToken });
    const notModified = await measureSnapshot(server.baseUrl, sdkToken, server.pid, {
      expectedStatus: 304,
      ifNoneMatch: current.headers.etag,
    });
    const afterLoad = memoryOf(server.pid);
    await server.stop();
    server = undefined;

    load.coldStart = loadAverage();
    const coldStart = await measureColdStarts(env);
    load.end = loadAverage();

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverage: load },
      settings: {
        flags: FLAGS,
        toggles: TOGGLES,
        durationS: DURATION_S,
        connections: CONNECTIONS,
        coldStarts: COLD_STARTS,
        server: mainPath,
      },
      snapshotBytes,
      toggle,
      snapshotFull: full,
      snapshot304: notModified,
      coldStart,
      rssAfterLoadMb: round(afterLoad.rssMb, 1),
      unleash: UNLEASH,
      targets: TARGETS,
    };
    writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    process.stdout.write(`\nresults written to ${resultsPath}\n`);
  } finally {
    await server?.stop().catch(() => {});
    closeClient();
    await database.drop();
  }
}

await main();
