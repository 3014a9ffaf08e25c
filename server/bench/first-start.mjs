// `npm run bench:start`: how long a newcomer waits. Embedded mode (no DATABASE_URL), measured from
// spawning the process to the printed URL line:
//   first start  `node dist/main.js` on an empty data dir (data dir template, migrations, demo seed,
//                admin token);
//   warm start   the same data dir again;
//   npm start    the README's `npm start` on a built tree (as after `npm install`) and an empty data dir.
// Peak RSS is the process's VmHWM and CPU its user+system time, both read from /proc when the URL
// appears. Prints a table and one JSON line. RUNS (default 3) runs of each; the table has medians.
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
const TIMEOUT_MS = 120_000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** User + system CPU seconds of a process so far. */
function cpuSecondsOf(pid) {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** The node process under `pid` (itself, or its one descendant running the server). */
function serverPid(pid) {
  for (;;) {
    let children;
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return pid;
    }
    if (children.length === 0) return pid;
    pid = Number(children[0]);
  }
}

/** Spawns `command`, waits for the URL line, measures, stops it; returns the figures. */
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
        clearTimeout(timer);
        const ms = performance.now() - startedAt;
        serverProcess = serverPid(child.pid);
        resolve({ ms, peakRssMb: memoryOf(serverProcess).peakRssMb, cpuS: cpuSecondsOf(serverProcess) });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) => reject(new Error(`exited with ${code} before printing its URL:\n${output}`)));
    });
    return result;
  } finally {
    // To the server itself (npm does not pass SIGINT on): it closes PGlite, releases the data dir
    // and exits, and npm with it.
    try {
      process.kill(serverProcess, 'SIGINT');
    } catch {
      // Already gone.
    }
    await exited;
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
    const node = ['node', ['dist/main.js'], { cwd: serverDir, dataDir }];
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
console.log(`start-up, median of ${runs} (load average ${load})`);
console.log('| what | to URL | CPU | peak RSS |');
console.log('| --- | --- | --- | --- |');
for (const [label, samples] of rows) {
  const ms = median(samples.map((s) => s.ms));
  const cpu = median(samples.map((s) => s.cpuS));
  const rss = median(samples.map((s) => s.peakRssMb));
  console.log(`| ${label} | ${Math.round(ms)} ms | ${cpu.toFixed(2)} s | ${Math.round(rss)} MB |`);
}
console.log(JSON.stringify({ runs, load, ...results }));
