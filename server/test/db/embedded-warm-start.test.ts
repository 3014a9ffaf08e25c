import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { ensureServerBuilt } from '../propagation/support/processes.js';

/**
 * What `npm start` runs (the built server, embedded mode) on a data dir: the first start fills an
 * empty folder once (template, migrations, demo seed, admin token), and a second start on the same
 * folder is a warm start: it copies nothing, migrates nothing, seeds nothing and makes no new admin
 * token, so what the first start made is there as it was.
 */
const serverDir = fileURLToPath(new URL('../../', import.meta.url));

interface StartedServer {
  child: ChildProcess;
  banner: string;
  url: string;
}

/** Starts `node dist/main.js` on `dataDir` (no DATABASE_URL: embedded) and waits for its banner. */
async function startServer(dataDir: string): Promise<StartedServer> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: serverDir,
    env: {
      PATH: process.env['PATH'] ?? '',
      SWITCHYARD_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // The banner is one write; the setup link is its last line while nobody owns the instance.
      const url = /URL:\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url && output.includes('/api/v1/setup')) resolve({ child, banner: output, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before its banner:\n${output}`)));
  });
}

/** SIGTERM (what Ctrl-C or an orchestrator sends); resolves once the process is gone. */
async function stopServer({ child }: StartedServer): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await gone;
}

/** The migrator's bookkeeping rows, read with the server stopped (the data dir is locked while it runs). */
async function migrationRows(dataDir: string): Promise<unknown[]> {
  const db = await openDatabase({ dataDir, templateDir: null });
  try {
    return await db.prisma.$queryRawUnsafe<unknown[]>(
      'SELECT "id", "migration_name", "checksum", "started_at", "finished_at" FROM "_prisma_migrations" ORDER BY "migration_name"',
    );
  } finally {
    await db.close();
  }
}

const projectKeys = async (url: string, token: string): Promise<string[]> => {
  const response = await fetch(`${url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { projects: { key: string }[] };
  return body.projects.map((project) => project.key);
};

describe('embedded start on a data dir', { timeout: 180_000 }, () => {
  let dataDir: string;
  let running: StartedServer | undefined;

  beforeAll(async () => {
    ensureServerBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'sy-warm-start-'));
  }, 600_000);
  afterAll(async () => {
    if (running) await stopServer(running);
    await rm(dataDir, { recursive: true, force: true });
  });

  let adminToken: string;
  let afterFirstStart: unknown[];

  it('fills an empty folder on the first start: demo project seeded, admin token made', async () => {
    running = await startServer(dataDir);
    expect(running.banner).toContain("demo:        project 'demo' seeded");
    const token = /admin token: (sy_admin_\S+)/.exec(running.banner)?.[1];
    expect(token, running.banner).toBeDefined();
    adminToken = token!;
    expect(await projectKeys(running.url, adminToken)).toEqual(['demo']);
    await stopServer(running);
    running = undefined;
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await readdir(dataDir)).not.toContain('switchyard-template.partial');
    afterFirstStart = await migrationRows(dataDir);
    expect(afterFirstStart.length).toBeGreaterThan(0);
  });

  it('is a warm start the second time: nothing copied, migrated, seeded or generated again', async () => {
    running = await startServer(dataDir);
    expect(running.banner).not.toContain('seeded');
    expect(running.banner).not.toContain('admin token:');
    // The first start's token and demo are still there: the folder was not filled again.
    expect(await projectKeys(running.url, adminToken)).toEqual(['demo']);
    await stopServer(running);
    running = undefined;
    // Same bookkeeping rows, ids and times: no template copy (it gives new ids) and no migration ran.
    expect(await migrationRows(dataDir)).toEqual(afterFirstStart);
  });
});
