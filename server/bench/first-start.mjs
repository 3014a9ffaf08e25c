// `npm run bench:start`: how long a newcomer waits. Embedded mode (no DATABASE_URL), measured from
// spawning the process to the printed URL line:
//   first start  `node dist/main.js` on an empty data dir (data dir template, migrations, demo seed,
//                admin token);
//   warm start   the same data dir again;
//   npm start    the README's `npm start` on a built tree (as after `npm install`) and an empty data dir.
// Peak RSS is the server process's VmHWM and CPU its user+system time, both read from /proc when the
// URL appears; "settled" is VmHWM again SETTLE_MS (default 4000) later, once the work the server
// starts when it listens (job runner, propagation, the regex checker's warm-up) has run, and
// "+ children" the RSS then of the processes the server started (recheck's native agent). Prints a
// table and one JSON line. RUNS (default 3) runs of each; the table has medians. SERVER_ENTRY=x.js runs
// dist/x.js for the first and warm starts (`npm start` always runs dist/main.js).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryOf } from './server/server-process.mjs';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const rootDir = join(serverDir, '..');
const runs = Number(process.env.RUNS ?? 3);
/** The first and warm starts run dist/<SERVER_ENTRY> (e.g. another build's bundle copied beside main.js, to compare). */
const entry = process.env.SERVER_ENTRY ?? 'main.js';
const settleMs = Number(process.env.SETTLE_MS ?? 4000);
const TIMEOUT_MS = 120_000;
/** How long a server may take to exit after SIGINT before the bench kills it (it must never hang). */
const EXIT_TIMEOUT_MS = 15_000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** User + system CPU seconds of a process so far. */
function cpuSecondsOf(pid) {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** The processes `pid` started (empty once it has exited). */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The program name of a process (`node`, `sh`, `recheck`, …), or '' once it has exited. */
function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The server's process under `pid`: `pid` itself for `node dist/main.js`, and for `npm start` the
 * last node process down the chain npm → sh → node scripts/start.mjs (which runs the server in
 * its own process). Never a process the server started itself, such as recheck's agent.
 */
function serverPid(pid) {
  for (;;) {
    const next = childrenOf(pid).find((child) => ['node', 'sh', 'npm'].includes(commandOf(child)));
    if (next === undefined) return pid;
    pid = next;
  }
}

/** Total RSS (MB) of every process below `pid` (recheck's agent, …). */
function descendantsRssMb(pid) {
  return childrenOf(pid).reduce((sum, child) => {
    let rss = 0;
    try {
      rss = memoryOf(child).rssMb;
    } catch {
      // Exited meanwhile.
    }
    return sum + (Number.isFinite(rss) ? rss : 0) + descendantsRssMb(child);
  }, 0);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns `command`, waits for the URL line, measures, then for SETTLE_MS, stops it; returns the figures. */
async function measure(command, args, { cwd, dataDir }) {
  const startedAt = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let serverProcess = child.pid;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const result = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within ${TIMEOUT_MS} ms:\n${output}`)), TIMEOUT_MS);
      const onData = (chunk) => {
        output += chunk;
        if (!/URL:\s+http/.test(output)) return;
        child.stdout.off('data', onData);
        clearTimeout(timer);
        const ms = performance.now() - startedAt;
        serverProcess = serverPid(child.pid);
        resolve({ ms, peakRssMb: memoryOf(serverProcess).peakRssMb, cpuS: cpuSecondsOf(serverProcess) });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) => reject(new Error(`exited with ${code} before printing its URL:\n${output}`)));
    });
    await sleep(settleMs);
    result.settledPeakRssMb = memoryOf(serverProcess).peakRssMb;
    result.childrenRssMb = descendantsRssMb(serverProcess);
    return result;
  } finally {
    // To the server itself (npm does not pass SIGINT on): it closes PGlite, releases the data dir
    // and exits, and npm with it. Killed if it does not, so one stuck run cannot hang the bench.
    try {
      process.kill(serverProcess, 'SIGINT');
    } catch {
      // Already gone.
    }
    const stuck = setTimeout(() => {
      for (const pid of [serverProcess, child.pid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(stuck);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const results = { firstStart: [], warmStart: [], npmStart: [] };
const scratch = await mkdtemp(join(tmpdir(), 'sy-bench-start-'));
try {
  for (let run = 0; run < runs; run++) {
    const dataDir = join(scratch, `data-${run}`);
    const node = ['node', [join('dist', entry)], { cwd: serverDir, dataDir }];
    results.firstStart.push(await measure(...node));
    results.warmStart.push(await measure(...node));
    results.npmStart.push(await measure('npm', ['start'], { cwd: rootDir, dataDir: join(scratch, `npm-${run}`) }));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const rows = [
  ['embedded first start (empty data dir)', results.firstStart],
  ['embedded warm start', results.warmStart],
  ['npm start on a built tree (empty data dir)', results.npmStart],
];
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`start-up, median of ${runs} (load average ${load}); settled = ${settleMs} ms after the URL`);
console.log('| what | to URL | CPU | peak RSS at URL | peak RSS settled | + children |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [label, samples] of rows) {
  const of = (key) => median(samples.map((sample) => sample[key]));
  console.log(
    `| ${label} | ${Math.round(of('ms'))} ms | ${of('cpuS').toFixed(2)} s | ${Math.round(of('peakRssMb'))} MB | ` +
      `${Math.round(of('settledPeakRssMb'))} MB | ${Math.round(of('childrenRssMb'))} MB |`,
  );
}
console.log(JSON.stringify({ runs, load, settleMs, ...results }));
