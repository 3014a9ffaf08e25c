import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../../', import.meta.url));
const distMain = join(serverDir, 'dist', 'main.js');

/** A free TCP port on 127.0.0.1 (free when asked; good enough for tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') newest = Math.max(newest, newestMtime(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Makes sure server/dist is built from the current sources (the root `npm test` builds first;
 * running a suite alone may find it missing or stale).
 */
export function ensureServerBuilt(): void {
  const stale = !existsSync(distMain) || statSync(distMain).mtimeMs < newestMtime(join(serverDir, 'src'));
  if (!stale) return;
  try {
    execFileSync('npm', ['run', 'build'], { cwd: serverDir, stdio: 'inherit' });
  } catch (error) {
    // In a shared checkout another workspace may not compile at this moment; a dist that exists
    // is better than no test run (the root `npm test` builds everything first anyway).
    if (!existsSync(distMain)) throw error;
    process.stderr.write('ensureServerBuilt: build failed, testing the existing server/dist\n');
  }
}

export interface ServerProcessOptions {
  port: number;
  databaseUrl: string;
  redisUrl?: string;
  adminToken: string;
  env?: Record<string, string>;
}

/** `node server/dist/main.js` as a child process; `start()` resolves when /readyz answers 200. */
export class ServerProcess {
  #child: ChildProcess | undefined;
  readonly output: string[] = [];

  constructor(readonly options: ServerProcessOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const { port, databaseUrl, redisUrl, adminToken, env } = this.options;
    const child = spawn(process.execPath, [distMain], {
      cwd: serverDir,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        SWITCHYARD_ADMIN_TOKEN: adminToken,
        SWITCHYARD_SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 2000) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${this.output.join('')}`))),
    );
    exited.catch(() => {});
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const ready = await Promise.race([
        fetch(`${this.baseUrl}/readyz`).then(
          (response) => response.ok,
          () => false,
        ),
        exited,
      ]);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`server on port ${port} did not become ready: ${this.output.join('')}`);
  }

  /** SIGKILL (a crash) or SIGTERM (graceful); resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await gone;
    this.#child = undefined;
  }
}

/** A redis-server of the test's own, on its own port (so stopping it disturbs nobody else). */
export class RedisProcess {
  #child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await canConnect(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
    this.#child = undefined;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
