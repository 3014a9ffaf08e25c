/**
 * The server under test as a real child process (`node dist/main.js`, Postgres mode), plus the
 * throwaway database it runs on. Nothing here measures; run.mjs does.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The server workspace to run: this one, or SERVER_DIR (e.g. a clean build of another checkout). */
const serverDir = process.env.SERVER_DIR ?? fileURLToPath(new URL('../..', import.meta.url));
/** `SERVER_ENTRY=server.js` runs the unbundled build (readable names in a CPU profile). */
export const mainPath = join(serverDir, 'dist', process.env.SERVER_ENTRY ?? 'main.js');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function onMaintenance(maintenanceUrl, sql) {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `sy_bench_<random>`; `drop()` removes it (closing leftover connections). */
export async function createBenchDatabase(maintenanceUrl) {
  const name = `sy_bench_${randomBytes(6).toString('hex')}`;
  await onMaintenance(maintenanceUrl, `CREATE DATABASE ${name}`);
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onMaintenance(maintenanceUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Resident set size and its peak (kB → MB) of a process, from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. Unlike wall time
 * it barely depends on how loaded the machine is, so it says what the work costs on an idle core.
 */
export function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** `cpuMsOf` split into user and system (kernel) time, ms. */
export function cpuSplitMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ms = (ticks) => (Number(ticks) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { user: ms(fields[11]), system: ms(fields[12]) };
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Spawns `node dist/main.js` with `env` on a free port and resolves once GET /readyz answers 200,
 * polling every 5 ms (`nodeArgs` go before the script, e.g. --cpu-prof). `readyMs` is the time from just before spawn() to that 200: what an
 * orchestrator waits before sending traffic; `readyCpuMs` the CPU time the process used until then.
 */
export async function startServer(env, { timeoutMs = 60_000, nodeArgs = [] } = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, mainPath], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SWITCHYARD_SEED_DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo;
  void exited.then((info) => (exitInfo = info));

  while (performance.now() - started < timeoutMs) {
    if (exitInfo) throw new Error(`server exited (${JSON.stringify(exitInfo)}) before ready:\n${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) {
      const readyMs = performance.now() - started;
      const readyCpuMs = cpuMsOf(child.pid);
      return {
        readyCpuMs,
        pid: child.pid,
        baseUrl,
        readyMs,
        output: () => output,
        /** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
        async stop() {
          if (exitInfo) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      };
    }
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
}
