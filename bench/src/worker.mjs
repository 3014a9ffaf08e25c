/**
 * One measurement: one library, one scenario, in a fresh process. Prints a single JSON line
 * prefixed with RESULT_MARKER on stdout; everything else goes to stderr.
 *
 *   node worker.mjs --lib switchyard --scenario s2 [--contexts 100000] [--min-passes 5] [--min-ms 400]
 *                   [--warmup-passes 3] [--warmup-ms 300]
 */
import { parseArgs } from 'node:util';
import { loadAdapter } from './adapters/index.mjs';
import { makeContexts, scenarioById } from './scenarios.mjs';
import { median } from './stats.mjs';

export const RESULT_MARKER = '@@bench-result ';

/** Hard cap so a slow library cannot run away with the time budget. */
const MAX_PASSES = 200;

const { values } = parseArgs({
  options: {
    lib: { type: 'string' },
    scenario: { type: 'string' },
    contexts: { type: 'string', default: '100000' },
    'min-passes': { type: 'string', default: '5' },
    'min-ms': { type: 'string', default: '400' },
    'warmup-passes': { type: 'string', default: '3' },
    'warmup-ms': { type: 'string', default: '300' },
  },
});

const scenario = scenarioById(values.scenario ?? '');
const adapter = await (await loadAdapter(values.lib ?? '')).create(scenario);

// Everything the timed loop touches is built up front, in the library's own context shape.
const contexts = makeContexts(Number(values.contexts)).map(adapter.toContext);

/**
 * Runs one pass over all contexts; returns [elapsed wall ns, process CPU ns, on count]. CPU time
 * leaves out the time the process sat descheduled on a busy machine (but counts V8's helper
 * threads, e.g. parallel GC), so it is the steadier number when other work competes for cores.
 */
async function timedPass() {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const on = await adapter.pass(contexts);
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return [wallNs, (cpu.user + cpu.system) * 1000, on];
}

/** Runs passes until both the pass count and the elapsed time reach their minimum. */
async function runPasses(minPasses, minMs) {
  const passNs = [];
  const passCpuNs = [];
  const onCounts = new Set();
  let totalNs = 0;
  while (passNs.length < MAX_PASSES && (passNs.length < minPasses || totalNs < minMs * 1e6)) {
    const [ns, cpuNs, on] = await timedPass();
    passNs.push(ns);
    passCpuNs.push(cpuNs);
    onCounts.add(on);
    totalNs += ns;
  }
  return { passNs, passCpuNs, onCounts };
}

const warmup = await runPasses(Number(values['warmup-passes']), Number(values['warmup-ms']));
const timed = await runPasses(Number(values['min-passes']), Number(values['min-ms']));
await adapter.close();

// Evaluation is deterministic per user, so every pass must count the same number of "on"s.
const onCounts = new Set([...warmup.onCounts, ...timed.onCounts]);
if (onCounts.size !== 1)
  throw new Error(`${adapter.id}/${scenario.id}: passes disagree on the on-count: ${[...onCounts]}`);

const result = {
  lib: adapter.id,
  label: adapter.label,
  isAsync: adapter.isAsync,
  scenario: scenario.id,
  contexts: contexts.length,
  warmupPasses: warmup.passNs.length,
  passNsPerCall: timed.passNs.map((ns) => ns / contexts.length),
  nsPerCall: median(timed.passNs) / contexts.length,
  cpuNsPerCall: median(timed.passCpuNs) / contexts.length,
  onCount: [...onCounts][0],
};
process.stdout.write(RESULT_MARKER + JSON.stringify(result) + '\n');
// Some SDKs leave timers behind even after close(); the measurement is done.
process.exit(0);
