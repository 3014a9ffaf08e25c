/**
 * `npm run bench`: runs every (library, scenario) pair in several fresh child processes, takes the
 * median, checks that the answers are sane and that Switchyard's rollout equals Unleash's, prints
 * a table and writes results/latest.json. Exits non-zero when a check fails.
 *
 * Options:
 *   --runs N          child processes per (library, scenario); default 5 (1 with --quick)
 *   --quick           one process each, fewer passes; writes results/quick.json
 *   --contexts N      distinct contexts per pass; default 100000
 *   --libs a,b        subset of libraries (switchyard, floor, unleash, growthbook, flagd, launchdarkly)
 *   --scenarios s1,s2 subset of scenarios
 *   --out PATH        where to write the JSON report
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADAPTERS } from './adapters/index.mjs';
import { measureAgreement } from './agreement.mjs';
import { expectedOnShare, makeContexts, scenarioById, SCENARIOS } from './scenarios.mjs';
import { median } from './stats.mjs';
import { renderReport } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const RESULT_MARKER = '@@bench-result ';

/** How far (in share points) a library's on-share may stray from the sample's expected share. */
const SHARE_TOLERANCE = 0.02;
/** The target: Switchyard at most this many times the floor on S2 and S3. */
const FLOOR_TARGET = { scenarios: ['s2', 's3'], limit: 1.5 };

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    quick: { type: 'boolean' },
    contexts: { type: 'string' },
    libs: { type: 'string' },
    scenarios: { type: 'string' },
    out: { type: 'string' },
  },
});

/**
 * An option from the command line, else from npm: the root script `npm run bench -w bench` makes
 * npm swallow `npm run bench -- --quick` as its own config, which it hands over as npm_config_quick.
 * @param {string} name
 */
const option = (name) => values[name] ?? process.env[`npm_config_${name}`];

const quick = String(option('quick') ?? false) === 'true';
const runs = Number(option('runs') ?? (quick ? 1 : 5));
const contextCount = Number(option('contexts') ?? 100_000);
const requestedLibs = String(option('libs') ?? Object.keys(ADAPTERS).join(','))
  .split(',')
  .filter(Boolean);
for (const lib of requestedLibs) if (!(lib in ADAPTERS)) throw new Error(`unknown library '${lib}'`);
// Table order is the registry's (Switchyard, floor, then peers), whatever order they were asked in.
const libs = Object.keys(ADAPTERS).filter((lib) => requestedLibs.includes(lib));
const scenarios = String(option('scenarios') ?? SCENARIOS.map((s) => s.id).join(','))
  .split(',')
  .filter(Boolean)
  .map(scenarioById);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(contextCount) || contextCount < 1)
  throw new Error('--runs and --contexts must be positive integers');
const outPath = resolve(option('out') ?? resolve(here, '..', 'results', quick ? 'quick.json' : 'latest.json'));

/** Pass counts: enough that the median pass is stable, bounded so the default run stays near 3 minutes. */
const passOptions = quick
  ? ['--warmup-passes', '1', '--warmup-ms', '100', '--min-passes', '3', '--min-ms', '100']
  : ['--warmup-passes', '2', '--warmup-ms', '200', '--min-passes', '3', '--min-ms', '300'];

const startedAt = Date.now();
const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));
const loadAverageAtStart = loadAverage();
const log = (message) => process.stderr.write(`${message}\n`);

// 1. Compatibility: exact per-user agreement with Unleash (same hash for whole percentages).
const agreement = [];
if (libs.includes('switchyard') && libs.includes('unleash')) {
  for (const s of scenarios.filter((s) => s.rollout)) {
    const result = await measureAgreement('switchyard', 'unleash', s.id, contextCount);
    agreement.push({ ...result, gating: s.id === 's2' });
    log(`agreement switchyard vs unleash on ${s.id}: ${(result.share * 100).toFixed(3)}%`);
  }
}

// 2. Timing: each measurement in its own process; runs interleaved so drift hits every library alike.
/** @type {Map<string, object[]>} */
const samples = new Map();
const total = runs * scenarios.length * libs.length;
let done = 0;
for (let run = 0; run < runs; run++) {
  for (const scenario of scenarios) {
    for (const lib of runOrder(run)) {
      const result = runWorker(lib, scenario.id);
      done++;
      log(`[${done}/${total}] run ${run + 1} ${scenario.id} ${lib}: ${result.nsPerCall.toFixed(1)} ns/call`);
      const key = `${scenario.id}/${lib}`;
      samples.set(key, [...(samples.get(key) ?? []), result]);
    }
  }
}

/**
 * Switchyard and the floor always run back to back (which one first alternates), so their ratio
 * compares two processes that saw the same machine load; the peers follow in a rotating order.
 * @param {number} run
 */
function runOrder(run) {
  const pair = ['switchyard', 'floor'].filter((lib) => libs.includes(lib));
  if (run % 2 === 1) pair.reverse();
  const peers = libs.filter((lib) => !pair.includes(lib));
  return [...pair, ...peers.map((_, i) => peers[(i + run) % peers.length])];
}

// 3. Aggregate, check, report.
const sampleContexts = makeContexts(contextCount);
const scenarioInfo = scenarios.map((s) => ({
  id: s.id,
  flagKey: s.flagKey,
  title: s.title,
  analyticOnShare: s.analyticOnShare,
  expectedOnShare: expectedOnShare(s, sampleContexts),
}));

const results = [];
for (const scenario of scenarioInfo) {
  const rows = libs.map((lib) => {
    const runsOf = samples.get(`${scenario.id}/${lib}`);
    const onShare = runsOf[0].onCount / runsOf[0].contexts;
    const sane =
      runsOf.every((r) => r.onCount === runsOf[0].onCount) &&
      (scenario.expectedOnShare === 1
        ? onShare === 1
        : Math.abs(onShare - scenario.expectedOnShare) <= SHARE_TOLERANCE);
    return {
      scenario: scenario.id,
      lib,
      label: runsOf[0].label,
      isAsync: runsOf[0].isAsync,
      nsPerCall: median(runsOf.map((r) => r.nsPerCall)),
      runsNsPerCall: runsOf.map((r) => r.nsPerCall),
      cpuNsPerCall: median(runsOf.map((r) => r.cpuNsPerCall)),
      runsCpuNsPerCall: runsOf.map((r) => r.cpuNsPerCall),
      onShare,
      sane,
    };
  });
  // The libraries must also agree with each other: the spread of their on-shares is bounded too.
  const shares = rows.map((r) => r.onShare);
  scenario.onShareSpread = Math.max(...shares) - Math.min(...shares);
  scenario.sharesAgree = scenario.onShareSpread <= SHARE_TOLERANCE;
  const switchyard = rows.find((r) => r.lib === 'switchyard');
  for (const row of rows) {
    if (switchyard && row !== switchyard) {
      row.switchyardRatio = pairedRatio(switchyard, row, 'runsNsPerCall');
      row.switchyardCpuRatio = pairedRatio(switchyard, row, 'runsCpuNsPerCall');
    }
    results.push(row);
  }
}

const targets = [];
for (const id of FLOOR_TARGET.scenarios) {
  const switchyard = results.find((r) => r.scenario === id && r.lib === 'switchyard');
  const floor = results.find((r) => r.scenario === id && r.lib === 'floor');
  if (!switchyard || !floor) continue;
  const ratioToFloor = pairedRatio(switchyard, floor, 'runsNsPerCall');
  const cpuRatioToFloor = pairedRatio(switchyard, floor, 'runsCpuNsPerCall');
  targets.push({
    scenario: id,
    limit: FLOOR_TARGET.limit,
    ratioToFloor,
    cpuRatioToFloor,
    met: ratioToFloor <= FLOOR_TARGET.limit,
  });
}

/**
 * Median over runs of Switchyard's time divided by the other library's time in the same run: runs
 * close together in time share the machine's load, so the per-run ratio is steadier than the ratio
 * of medians on a busy machine.
 */
function pairedRatio(switchyard, other, field) {
  return median(switchyard[field].map((ns, run) => ns / other[field][run]));
}

const report = {
  generatedAt: new Date().toISOString(),
  durationSeconds: Math.round((Date.now() - startedAt) / 1000),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  config: { runs, contexts: contextCount, quick, passOptions, shareTolerance: SHARE_TOLERANCE },
  scenarios: scenarioInfo,
  agreement,
  results,
  targets,
};

mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, await formatJson(JSON.stringify(report, null, 2) + '\n', outPath));
console.log(renderReport(report));
console.log(`\n${report.durationSeconds}s; wrote ${outPath}`);

const failures = [
  ...agreement.filter((a) => a.gating && a.share < 1).map((a) => `agreement on ${a.scenario} is below 100%`),
  ...results.filter((r) => !r.sane).map((r) => `${r.lib} on ${r.scenario}: on-share ${r.onShare} is not sane`),
  ...scenarioInfo
    .filter((s) => !s.sharesAgree)
    .map((s) => `${s.id}: on-shares spread over ${(s.onShareSpread * 100).toFixed(2)} points`),
];
if (failures.length > 0) {
  console.error(`\nFAILED:\n- ${failures.join('\n- ')}`);
  process.exitCode = 1;
}

/**
 * Runs one measurement in a fresh Node process and returns its parsed result.
 * @param {string} lib
 * @param {string} scenarioId
 */
function runWorker(lib, scenarioId) {
  const child = spawnSync(
    process.execPath,
    [
      resolve(here, 'worker.mjs'),
      '--lib',
      lib,
      '--scenario',
      scenarioId,
      '--contexts',
      String(contextCount),
      ...passOptions,
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (child.status !== 0 || !line) {
    throw new Error(`worker ${lib}/${scenarioId} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(line.slice(RESULT_MARKER.length));
}

/**
 * Formats the report the way the repo's Prettier would, so `npm run lint` stays green after a run.
 * @param {string} text
 * @param {string} path
 */
async function formatJson(text, path) {
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { ...(await prettier.resolveConfig(path)), parser: 'json' });
  } catch {
    return text; // Prettier is a dev tool of the repo, not a requirement of the bench
  }
}
