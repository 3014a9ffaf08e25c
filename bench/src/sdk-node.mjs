/**
 * `@switchyard/sdk-node` beside core: `client.isEnabled(key, ctx)` through the public client API
 * (usage metrics on, as by default, and off) against core's `isEnabled(compiled, key, ctx)` on the
 * scenarios S1–S3, and the heap a client holding a 10,000-flag snapshot uses. Each measurement runs
 * in a fresh process (like src/worker.mjs); runs are interleaved and the median is reported.
 *
 *   node src/sdk-node.mjs [--quick] [--runs N] [--out PATH]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileSnapshot, isEnabled } from '@switchyard/core';
import { createClient } from '@switchyard/sdk-node';
import { switchyardFlag } from './adapters/switchyard.mjs';
import { makeContexts, SCENARIOS, scenarioById } from './scenarios.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MARKER = '@@sdk-node-result ';
const VARIANTS = ['core', 'client', 'client-no-metrics'];

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    scenario: { type: 'string' },
    quick: { type: 'boolean' },
    runs: { type: 'string' },
    out: { type: 'string' },
  },
});
const option = (name) => values[name] ?? process.env[`npm_config_${name}`];

const snapshotOf = (flags) => ({
  schemaVersion: 1,
  projectKey: 'bench',
  environmentKey: 'bench',
  revision: 1,
  flags,
  segments: [],
});

/** A client that never reaches a server (closed loopback port, no streaming, hour-long timers). */
function offlineClient(snapshot, metrics) {
  return createClient({
    url: metrics ? 'http://127.0.0.1:9' : undefined,
    sdkKey: 'sy_server_bench',
    bootstrap: snapshot,
    streaming: false,
    pollIntervalMs: 3_600_000,
    staleAfterMs: 3_600_000,
    metrics: metrics ? { flushIntervalMs: 3_600_000 } : false,
  });
}

/** Child: time one variant on one scenario; prints ns/call (median pass). */
async function timeChild(variant, scenarioId, quick) {
  const scenario = scenarioById(scenarioId);
  const key = scenario.flagKey;
  const snapshot = snapshotOf([switchyardFlag(scenario)]);
  const contexts = makeContexts(100_000);
  let call;
  let client;
  if (variant === 'core') {
    const compiled = compileSnapshot(snapshot);
    call = (ctx) => isEnabled(compiled, key, ctx);
  } else {
    // Captured as a const, like `compiled` above (and like a module-level client in an app): V8
    // treats both the same way. Through the mutable `client` the client alone would pay a load.
    const held = offlineClient(snapshot, variant === 'client');
    client = held;
    await held.ready();
    call = (ctx) => held.isEnabled(key, ctx);
  }
  const pass = () => {
    let on = 0;
    for (let i = 0; i < contexts.length; i++) if (call(contexts[i])) on++;
    return on;
  };
  const run = (minPasses, minMs) => {
    const times = [];
    const cpu = [];
    let total = 0;
    let on = -1;
    while (times.length < 200 && (times.length < minPasses || total < minMs * 1e6)) {
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      on = pass();
      const ns = Number(process.hrtime.bigint() - start);
      const used = process.cpuUsage(cpuStart);
      times.push(ns);
      cpu.push((used.user + used.system) * 1000);
      total += ns;
    }
    return { times, cpu, on };
  };
  run(quick ? 2 : 3, quick ? 150 : 300);
  const timed = run(quick ? 3 : 5, quick ? 200 : 400);
  await client?.close();
  return {
    variant,
    scenario: scenarioId,
    nsPerCall: median(timed.times) / contexts.length,
    cpuNsPerCall: median(timed.cpu) / contexts.length,
    onCount: timed.on,
  };
}

/** 10,000 flags of mixed shapes (targeting, rollouts, splits), as a server would send them. */
function bigSnapshot() {
  const flags = [];
  for (let i = 0; i < 10_000; i++) {
    const base = switchyardFlag(SCENARIOS[i % SCENARIOS.length]);
    flags.push({ ...base, key: `flag-${i}`, version: 1 + (i % 7) });
  }
  return snapshotOf(flags);
}

/** Child: heap used (after GC) by what each variant holds for a 10,000-flag snapshot. */
async function heapChild(variant) {
  const text = JSON.stringify(bigSnapshot());
  const gc = globalThis.gc;
  const settle = () => {
    for (let i = 0; i < 3; i++) gc();
    return process.memoryUsage().heapUsed;
  };
  const before = settle();
  let held;
  if (variant === 'core') {
    const snapshot = JSON.parse(text);
    held = [snapshot, compileSnapshot(snapshot)];
  } else {
    held = offlineClient(JSON.parse(text), variant === 'client');
    await held.ready();
  }
  const after = settle();
  const keep = held; // keep it reachable until measured
  if (variant !== 'core') await keep.close();
  return { variant, heapBytes: after - before };
}

function spawnChild(args) {
  const result = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((text) => text.startsWith(MARKER));
  if (result.status !== 0 || !line) throw new Error(`child ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(line.slice(MARKER.length));
}

async function main() {
  const quick = String(option('quick') ?? false) === 'true';
  const runs = Number(option('runs') ?? (quick ? 1 : 3));
  const timings = [];
  const heaps = [];
  for (let run = 0; run < runs; run++) {
    for (const scenario of SCENARIOS) {
      for (const variant of VARIANTS) {
        const args = ['--child', variant, '--scenario', scenario.id];
        timings.push(spawnChild(quick ? [...args, '--quick'] : args));
      }
    }
    for (const variant of VARIANTS) heaps.push(spawnChild(['--child', `heap:${variant}`]));
  }

  const rows = [];
  for (const scenario of SCENARIOS) {
    const of = (variant, field) =>
      median(timings.filter((t) => t.scenario === scenario.id && t.variant === variant).map((t) => t[field]));
    const answers = new Set(timings.filter((t) => t.scenario === scenario.id).map((t) => t.onCount));
    if (answers.size !== 1) throw new Error(`${scenario.id}: the client and core disagree on the on-count`);
    const core = of('core', 'cpuNsPerCall');
    rows.push({
      scenario: scenario.id,
      title: scenario.title,
      coreNs: of('core', 'nsPerCall'),
      clientNs: of('client', 'nsPerCall'),
      clientNoMetricsNs: of('client-no-metrics', 'nsPerCall'),
      coreCpuNs: core,
      clientCpuNs: of('client', 'cpuNsPerCall'),
      clientNoMetricsCpuNs: of('client-no-metrics', 'cpuNsPerCall'),
      clientRatio: of('client', 'cpuNsPerCall') / core,
      clientNoMetricsRatio: of('client-no-metrics', 'cpuNsPerCall') / core,
    });
  }
  const heap = Object.fromEntries(
    VARIANTS.map((variant) => [variant, median(heaps.filter((h) => h.variant === variant).map((h) => h.heapBytes))]),
  );

  const fmt = (n) => n.toFixed(1).padStart(8);
  console.log(
    `\n@switchyard/sdk-node: client.isEnabled vs core isEnabled (${runs} process(es) each, median; CPU ns/call)`,
  );
  console.log('scenario | core ns | client ns (metrics) | ratio | client ns (no metrics) | ratio');
  for (const row of rows) {
    console.log(
      `${row.scenario.padEnd(8)} |${fmt(row.coreCpuNs)} |${fmt(row.clientCpuNs)}            | ${row.clientRatio.toFixed(2)}× |${fmt(row.clientNoMetricsCpuNs)}               | ${row.clientNoMetricsRatio.toFixed(2)}×`,
    );
  }
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(
    `heap for a 10,000-flag snapshot: core (snapshot + compiled) ${mb(heap.core)}, client ${mb(heap.client)} ` +
      `(${(heap.client / heap.core).toFixed(2)}×), client without metrics ${mb(heap['client-no-metrics'])}`,
  );

  const out = resolve(option('out') ?? resolve(here, '..', 'results', quick ? 'sdk-node-quick.json' : 'sdk-node.json'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify({ generatedAt: new Date().toISOString(), runs, rows, heapBytes: heap }, null, 2) + '\n',
  );
  console.log(`wrote ${out}`);
}

if (values.child) {
  const result = values.child.startsWith('heap:')
    ? await heapChild(values.child.slice('heap:'.length))
    : await timeChild(values.child, values.scenario, values.quick ?? false);
  process.stdout.write(MARKER + JSON.stringify(result) + '\n');
  process.exit(0);
} else {
  await main();
}
