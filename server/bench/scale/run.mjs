/**
 * Scale benchmark (`npm run bench:scale`): what one flag change costs as the environment grows.
 * Per size in SIZES (flags per environment), on a fresh Postgres database and a private
 * redis-server: two replicas of the built server (dist/main.js) with REDIS_URL, then
 *
 * - snapshot size (server view, plain and gzip);
 * - whether a fresh raw SSE stream delivers the whole state (server token in the header; and a
 *   client token as `?key=`, what the browser SDK's EventSource sends);
 * - TOGGLES sequential toggles of one flag through replica A: p50/p99, CPU time of both replicas
 *   per toggle (until replica B streamed the last revision), bytes written to Redis per toggle
 *   (`INFO stats` total_net_input_bytes), Redis commands per toggle;
 * - GET /sdk/snapshot req/s on replica A, plain and with Accept-Encoding: gzip (autocannon,
 *   CONNECTIONS connections, DURATION_S s each);
 * - fan-out: STREAMS raw streams on replica B, FANOUT_TOGGLES toggles through A, one every
 *   FANOUT_SPACING_MS: toggle → last stream p50/p99, B's CPU per toggle per stream, missed patches;
 *   (and the same with one stream, to tell the cost the streams add);
 * - sdk-node applying a 1-flag patch (the snapshot and patches B streamed during the toggles), in
 *   a fresh child process: wall and CPU time.
 *
 * Prints a markdown table (sizes side by side, ratio largest ÷ smallest, the issue 12 targets,
 * met or not), writes results.json and curves.svg next to this file (RESULTS_DIR to change).
 *
 * Environment: SIZES (100,200,1000,10000), TOGGLES (200), DURATION_S (5), CONNECTIONS (50),
 * STREAMS (1000), FANOUT_TOGGLES (50), FANOUT_SPACING_MS (100), PG_URL, SERVER_DIR (the server
 * workspace whose dist/main.js runs; default this one), RESULTS_DIR.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeClient, expectStatus } from '../server/http-client.mjs';
import { startRedis } from '../server/redis-process.mjs';
import { createBenchDatabase, mainPath, startServer } from '../server/server-process.mjs';
import { loadClient, measureSnapshotLoad } from '../server/snapshot-load.mjs';
import { percentile } from '../server/stats.mjs';
import { measureToggles } from '../server/toggles.mjs';
import { measureFanout, measureFanoutInProcess, measureFloor } from './fanout.mjs';
import { markdownTable, svgPlot } from './report.mjs';
import { measurePatchApplyInChild } from './sdk-apply.mjs';
import { seedEnvironment, TOGGLE_FLAG } from './seed.mjs';
import { measureSingleServerToggles } from './single-server.mjs';
import { checkFullState, openStream } from './sse-client.mjs';

const numberList = (text) => text.split(',').map((value) => Number(value.trim()));
const SIZES = numberList(process.env.SIZES ?? '100,200,1000,10000').sort((a, b) => a - b);
const TOGGLES = Number(process.env.TOGGLES ?? 200);
const DURATION_S = Number(process.env.DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const STREAMS = Number(process.env.STREAMS ?? 1000);
const FANOUT_TOGGLES = Number(process.env.FANOUT_TOGGLES ?? 50);
const FANOUT_SPACING_MS = Number(process.env.FANOUT_SPACING_MS ?? 100);
/** Who reads the fan-out streams: child processes on raw sockets (`child`), or node:http in this process (`http`, as before session 6). */
const FANOUT_READER = process.env.FANOUT_READER ?? 'child';
const READER_PROCESSES = Number(process.env.READER_PROCESSES ?? 1);
/** Stream server on CPU 0, readers on CPU 1, when taskset is there (PIN=0: not). */
const PIN = process.env.PIN !== '0';
/** GET /healthz on the stream replica every HEALTHZ_PROBE_MS during the fan-out (0: none). */
const HEALTHZ_PROBE_MS = Number(process.env.HEALTHZ_PROBE_MS ?? 20);
/** The floor run after the fan-out (FLOOR=0: skip it). */
const FLOOR = process.env.FLOOR !== '0' && FANOUT_READER === 'child';
const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const RESULTS_DIR = process.env.RESULTS_DIR ?? fileURLToPath(new URL('.', import.meta.url));
const WARMUP_TOGGLES = 20;
/**
 * Toggles between the "after start" window and the measured one: V8 optimizes the toggle path
 * (code that runs once per toggle) only after ~1,000–3,000 toggles, so the measured window is the
 * running service, and the first TOGGLES after start are reported beside it.
 */
const STEADY_WARMUP_TOGGLES = Number(process.env.STEADY_WARMUP_TOGGLES ?? 2000);
/** Which phases to run (default all): a subset for a quick look at one figure. */
const PHASES = new Set(
  (process.env.PHASES ?? 'fullstate,toggles,reads,fanout,single,sdk').split(',').map((name) => name.trim()),
);
const PROFILE = process.env.PROFILE;
const FLAG_PATH = `/api/v1/projects/bench/flags/${TOGGLE_FLAG}/environments/prod`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const loadAverage = () => os.loadavg().map((value) => round(value));
const log = (message) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

/** GET with raw bytes (no JSON parsing, no decompression): status, headers, body Buffer. */
function rawGet(baseUrl, path, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${path}`, { headers, agent: false }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The snapshot a replica serves now: revision (ETag), plain JSON text, gzip size. */
async function snapshotOf(server, token) {
  const auth = { authorization: `Bearer ${token}` };
  const plain = await rawGet(server.baseUrl, '/api/v1/sdk/snapshot', auth);
  const gzip = await rawGet(server.baseUrl, '/api/v1/sdk/snapshot', { ...auth, 'accept-encoding': 'gzip' });
  if (plain.status !== 200 || gzip.status !== 200) throw new Error(`snapshot: ${plain.status}/${gzip.status}`);
  if (gzip.headers['content-encoding'] !== 'gzip') throw new Error('snapshot: no gzip answer to Accept-Encoding: gzip');
  return {
    revision: Number(JSON.parse(plain.headers.etag)),
    json: plain.body.toString('utf8'),
    plainBytes: plain.body.length,
    gzipBytes: gzip.body.length,
  };
}

/** Resolves once `server` serves `revision` (or later); throws after `timeoutMs`. */
async function untilAt(server, token, revision, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const head = await rawGet(server.baseUrl, '/api/v1/sdk/snapshot', {
      authorization: `Bearer ${token}`,
      'if-none-match': `"${revision}"`,
    });
    if (head.status === 304 || Number(JSON.parse(head.headers.etag ?? '"0"')) >= revision) return;
    if (performance.now() > deadline) throw new Error(`replica not at revision ${revision} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function currentRevision(server, adminToken) {
  const environment = await expectStatus(200, server.baseUrl, 'GET', '/api/v1/projects/bench/environments/prod', {
    token: adminToken,
  });
  return environment.body.revision;
}

/** Bytes Redis received and sent so far, leaving out this process's own INFO calls. */
async function redisTraffic(redis) {
  const stats = await redis.info('stats');
  return {
    in: stats.total_net_input_bytes - redis.traffic.sent,
    out: stats.total_net_output_bytes - redis.traffic.received,
  };
}

/** Resolves once Redis received nothing (but INFO) for `quietMs`: the writes after a response are done. */
async function untilRedisQuiet(redis, quietMs = 300, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  let last = (await redisTraffic(redis)).in;
  while (performance.now() < deadline) {
    await sleep(quietMs);
    const now = (await redisTraffic(redis)).in;
    if (now === last) return;
    last = now;
  }
}

/** `cmdstat_x: calls=…,usec=…` → { x: calls }. */
function commandCalls(info) {
  const calls = {};
  for (const [key, value] of Object.entries(info)) {
    if (key.startsWith('cmdstat_')) calls[key.slice(8)] = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
  }
  return calls;
}

/**
 * The toggle phase: TOGGLES toggles through A, while a stream on B (resumed at the current
 * revision) records the patches, which are also the input of the sdk-node measurement.
 */
async function togglePhase({ a, b, redis, adminToken, tokens }) {
  await measureToggles({ baseUrl: a.baseUrl, adminToken, flagPath: FLAG_PATH, count: WARMUP_TOGGLES, pids: [a.pid] });
  // Right after start: V8 runs the toggle path in baseline code for the first 1,000–3,000 toggles.
  const cold = await measureToggles({
    baseUrl: a.baseUrl,
    adminToken,
    flagPath: FLAG_PATH,
    count: TOGGLES,
    pids: [a.pid, b.pid],
    settle: () => untilRedisQuiet(redis),
  });
  // Then the running service: STEADY_WARMUP_TOGGLES more before the measured ones.
  await measureToggles({
    baseUrl: a.baseUrl,
    adminToken,
    flagPath: FLAG_PATH,
    count: STEADY_WARMUP_TOGGLES,
    pids: [a.pid],
  });
  const start = await currentRevision(a, adminToken);
  await untilAt(b, tokens.server, start);
  await untilRedisQuiet(redis);
  const snapshot = await snapshotOf(b, tokens.server);
  if (snapshot.revision !== start) throw new Error(`replica B at ${snapshot.revision}, expected ${start}`);
  const patches = new Map();
  let lastArrived;
  const capture = await openStream(b.baseUrl, tokens.server, {
    lastEventId: start,
    onEvent: (type, id, data) => {
      if (type !== 'patch') return;
      patches.set(id, data);
      if (id === start + TOGGLES) lastArrived?.();
    },
  });
  const allArrived = new Promise((resolve) => (lastArrived = resolve));
  const redisBefore = { traffic: await redisTraffic(redis), commands: commandCalls(await redis.info('commandstats')) };
  const { times, cpuMsPerToggle, cpuMsPerToggleByPid } = await measureToggles({
    baseUrl: a.baseUrl,
    adminToken,
    flagPath: FLAG_PATH,
    count: TOGGLES,
    pids: [a.pid, b.pid, redis.pid],
    settle: async () => {
      await Promise.race([allArrived, sleep(30_000)]);
      await untilRedisQuiet(redis);
    },
  });
  const redisAfter = { traffic: await redisTraffic(redis), commands: commandCalls(await redis.info('commandstats')) };
  capture.close();
  const perToggle = (field) => round((redisAfter.traffic[field] - redisBefore.traffic[field]) / TOGGLES, 0);
  const commandsPerToggle = {};
  for (const [command, calls] of Object.entries(redisAfter.commands)) {
    const delta = calls - (redisBefore.commands[command] ?? 0);
    // The INFO calls of this measurement itself are not the server's.
    if (delta > 0 && command !== 'info') commandsPerToggle[command] = round(delta / TOGGLES);
  }
  const ordered = [];
  for (let revision = start + 1; revision <= start + TOGGLES; revision++) {
    if (!patches.has(revision)) throw new Error(`replica B did not stream revision ${revision}`);
    ordered.push(patches.get(revision));
  }
  const [cpuA, cpuB, cpuRedis] = cpuMsPerToggleByPid;
  return {
    snapshot,
    patches: ordered,
    toggle: {
      count: times.length,
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      serverCpuMsPerToggle: round(cpuA + cpuB),
      writerCpuMsPerToggle: round(cpuA),
      otherReplicaCpuMsPerToggle: round(cpuB),
      redisCpuMsPerToggle: round(cpuRedis),
      cpuMsPerToggleWithRedis: round(cpuMsPerToggle),
      redisBytesInPerToggle: perToggle('in'),
      redisBytesOutPerToggle: perToggle('out'),
      redisCommandsPerToggle: commandsPerToggle,
      patchBytes: round(ordered.reduce((sum, data) => sum + Buffer.byteLength(data), 0) / ordered.length, 0),
      steadyWarmupToggles: STEADY_WARMUP_TOGGLES,
      afterStart: {
        p50Ms: round(percentile(cold.times, 50)),
        serverCpuMsPerToggle: round(cold.cpuMsPerToggle),
      },
    },
  };
}

async function snapshotReadPhase(a, token) {
  const common = { baseUrl: a.baseUrl, pid: a.pid, connections: CONNECTIONS, durationS: DURATION_S, warmupS: 1 };
  const auth = { authorization: `Bearer ${token}` };
  log(`snapshot reads, plain, ${DURATION_S} s…`);
  const plain = await measureSnapshotLoad({ ...common, headers: auth, expectedStatus: 200 });
  log(`snapshot reads, gzip, ${DURATION_S} s…`);
  const gzip = await measureSnapshotLoad({
    ...common,
    headers: { ...auth, 'accept-encoding': 'gzip' },
    expectedStatus: 200,
  });
  return { plain, gzip };
}

/** Everything for one environment size, on its own database, Redis and servers. */
async function measureSize(flags) {
  const database = await createBenchDatabase(PG_URL);
  const redis = await startRedis();
  const adminToken = `bench_admin_${randomBytes(16).toString('hex')}`;
  const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SWITCHYARD_ADMIN_TOKEN: adminToken };
  const servers = [];
  const load = { start: loadAverage() };
  try {
    log(`${flags} flags: database ${database.name}, ${redis.url}; migrating and seeding…`);
    const seeder = await startServer(env);
    servers.push(seeder);
    const seedStarted = performance.now();
    const tokens = await seedEnvironment({ baseUrl: seeder.baseUrl, adminToken, databaseUrl: database.url, flags });
    const seedMs = Math.round(performance.now() - seedStarted);
    await seeder.stop();
    const a = await startServer(env);
    servers.push(a);
    // STREAMER_NODE_ARGS: node flags for the stream replica only (e.g. --perf-basic-prof, --cpu-prof).
    const streamerArgs = process.env.STREAMER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const b = await startServer(env, { nodeArgs: streamerArgs });
    servers.push(b);
    for (const server of [a, b]) {
      const { json } = await snapshotOf(server, tokens.server);
      const count = JSON.parse(json).flags.length;
      if (count !== flags) throw new Error(`replica serves ${count} flags, expected ${flags}`);
    }

    let fullState;
    if (PHASES.has('fullstate')) {
      log('full-state checks…');
      fullState = {
        server: await checkFullState(b.baseUrl, tokens.server, { expectedFlags: flags }),
        client: await checkFullState(b.baseUrl, tokens.client, { viaQueryKey: true, expectedFlags: flags }),
      };
    }

    let toggled;
    if (PHASES.has('toggles') || PHASES.has('sdk')) {
      log(`${TOGGLES} toggles…`);
      load.toggles = loadAverage();
      toggled = await togglePhase({ a, b, redis, adminToken, tokens });
    }

    let snapshotReads;
    if (PHASES.has('reads')) {
      load.snapshotReads = loadAverage();
      snapshotReads = await snapshotReadPhase(a, tokens.server);
    }

    // The same toggles with one stream first: B's cost per toggle that does not depend on streams.
    if (PHASES.has('fanout')) log(`fan-out: 1, then ${STREAMS} streams, ${FANOUT_TOGGLES} toggles each…`);
    load.fanout = loadAverage();
    const fanoutWith = async (streams) => {
      const revision = await currentRevision(a, adminToken);
      await untilAt(b, tokens.server, revision);
      const measure = FANOUT_READER === 'http' ? measureFanoutInProcess : measureFanout;
      return measure({
        writer: a,
        streamer: b,
        adminToken,
        sdkToken: tokens.server,
        flagPath: FLAG_PATH,
        revision,
        streams,
        toggles: FANOUT_TOGGLES,
        spacingMs: FANOUT_SPACING_MS,
        readerProcesses: READER_PROCESSES,
        pinning: PIN,
        probeEveryMs: HEALTHZ_PROBE_MS,
      });
    };
    let fanout;
    if (PHASES.has('fanout')) {
      const control = await fanoutWith(1);
      fanout = await fanoutWith(STREAMS);
      fanout.cpuUsPerTogglePerStream = round((fanout.streamReplicaCpuMsPerToggle * 1000) / STREAMS, 2);
      fanout.oneStreamCpuMsPerToggle = round(control.streamReplicaCpuMsPerToggle);
      fanout.marginalCpuUsPerTogglePerStream = round(
        ((fanout.streamReplicaCpuMsPerToggle - control.streamReplicaCpuMsPerToggle) * 1000) / Math.max(1, STREAMS - 1),
        2,
      );
      fanout.streamReplicaCpuMsPerToggle = round(fanout.streamReplicaCpuMsPerToggle);
      const { samplePatch } = fanout;
      delete fanout.samplePatch;
      if (FLOOR && samplePatch) {
        log(`floor: bare node:net server, ${STREAMS} sockets, ${FANOUT_TOGGLES} writes…`);
        load.floor = loadAverage();
        fanout.floor = await measureFloor({
          streams: STREAMS,
          toggles: FANOUT_TOGGLES,
          spacingMs: FANOUT_SPACING_MS,
          samplePatch,
          readerProcesses: READER_PROCESSES,
          pinning: PIN,
        });
        // Per socket write: the floor writes one patch per socket per write, ours may join several.
        fanout.cpuRatioToFloor = round(fanout.cpuUsPerWrite / fanout.floor.cpuUsPerWritePerStream, 2);
      }
    }

    for (const server of servers.splice(0)) await server.stop();
    let singleServer;
    if (PHASES.has('single')) {
      log(`${TOGGLES} toggles on one server without Redis (as Unleash was measured)…`);
      load.single = loadAverage();
      singleServer = await measureSingleServerToggles({
        env,
        adminToken,
        flagPath: FLAG_PATH,
        count: TOGGLES,
        // A fresh process: as for the replicas, the running service is measured.
        warmup: STEADY_WARMUP_TOGGLES,
      });
    }
    let sdkPatchApply;
    if (PHASES.has('sdk')) {
      log('sdk-node patch apply…');
      load.sdkApply = loadAverage();
      const applied = await measurePatchApplyInChild(toggled.snapshot.json, toggled.patches);
      sdkPatchApply = Object.fromEntries(Object.entries(applied).map(([key, value]) => [key, round(value, 3)]));
    }
    load.end = loadAverage();
    return {
      flags,
      seedMs,
      loadAverage: load,
      snapshot: toggled && { plainBytes: toggled.snapshot.plainBytes, gzipBytes: toggled.snapshot.gzipBytes },
      fullState,
      toggle: toggled?.toggle,
      snapshotReads,
      fanout,
      singleServer,
      sdkPatchApply,
    };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    await redis.stop();
    await database.drop();
  }
}

async function main() {
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      readLoadClient: loadClient,
    },
    settings: {
      sizes: SIZES,
      toggles: TOGGLES,
      durationS: DURATION_S,
      connections: CONNECTIONS,
      streams: STREAMS,
      fanoutToggles: FANOUT_TOGGLES,
      fanoutSpacingMs: FANOUT_SPACING_MS,
      fanoutReader: FANOUT_READER,
      readerProcesses: READER_PROCESSES,
      pin: PIN,
      floor: FLOOR,
      healthzProbeMs: HEALTHZ_PROBE_MS,
      server: mainPath,
    },
    sizes: {},
  };
  try {
    if (PROFILE === 'toggles') {
      // A CPU profile of the toggle path instead of the figures (profile-toggles.mjs).
      const { formatProfile, profileToggles } = await import('./profile-toggles.mjs');
      for (const size of SIZES)
        process.stdout.write(`${formatProfile(await profileToggles({ flags: size, toggles: TOGGLES }))}\n\n`);
      return;
    }
    for (const size of SIZES) results.sizes[size] = await measureSize(size);
  } finally {
    closeClient();
  }
  writeFileSync(join(RESULTS_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'curves.svg'), svgPlot(results));
  const loads = SIZES.map(
    (size) => `${size}: ${results.sizes[size].loadAverage.start[0]}–${results.sizes[size].loadAverage.end[0]}`,
  );
  process.stdout.write(
    `${markdownTable(results)}\n\n` +
      `${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}; ` +
      `1-min load average per size (start–end): ${loads.join(', ')}; snapshot reads by ${results.machine.readLoadClient}` +
      (results.machine.readLoadClient === 'wrk'
        ? '\n'
        : ' (install wrk: autocannon runs in Node on the same cores and measures itself)\n') +
      `results: ${join(RESULTS_DIR, 'results.json')}, plot: ${join(RESULTS_DIR, 'curves.svg')}\n`,
  );
}

await main();
