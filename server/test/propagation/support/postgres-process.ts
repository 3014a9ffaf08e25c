import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (initdb into a temporary folder, trust auth, user
 * `postgres`), on its own port, so a test can stop and start it without disturbing the shared one.
 * As root, the server runs as the `postgres` system user (initdb refuses to run as root).
 */
export class PostgresProcess {
  readonly #dataDir: string;
  readonly #asPostgres: boolean;
  #initialized = false;

  constructor(readonly port: number) {
    this.#dataDir = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
    this.#asPostgres = userInfo().uid === 0;
  }

  /** Connection string of a database on this server (`postgres` by default). */
  url(database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    if (!this.#initialized) {
      if (this.#asPostgres) chownSync(this.#dataDir, idOf('postgres', '-u'), idOf('postgres', '-g'));
      await this.#run('initdb', ['-D', this.#dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
      this.#initialized = true;
    }
    const options = `-p ${this.port} -k ${this.#dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.#run('pg_ctl', ['-D', this.#dataDir, '-o', options, '-l', join(this.#dataDir, 'log'), '-w', 'start']);
  }

  /** Stops the server (`immediate`: like a crash, every connection cut at once). */
  async stop(mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
    if (!this.#initialized) return;
    await this.#run('pg_ctl', ['-D', this.#dataDir, '-m', mode, '-w', 'stop']).catch(() => {});
  }

  /** Stops the server and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.#dataDir, { recursive: true, force: true });
  }

  async #run(command: string, args: string[]): Promise<void> {
    if (this.#asPostgres) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
    else await run(command, args);
  }
}

/** The numeric id (`-u`) or group id (`-g`) of a system user. */
function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}
