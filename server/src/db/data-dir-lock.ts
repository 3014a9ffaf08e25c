import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite is Postgres inside this process, without a postmaster to keep a second process out of
 * its files: two processes on one data dir (say the server and `npm run db:migrate`) would corrupt
 * it. This lock file (holding the owner's pid) turns that into a clear error.
 */
export const LOCK_FILE = 'switchyard.lock';

/** Data dirs held by this process (a pid alone cannot tell two opens in one process apart). */
const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
  // Our own pid in the file is a leftover: e.g. a container restart where the server is pid 1 again.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dataDir: string, pid: number | string): Error {
  return new Error(
    `The embedded database in ${dataDir} is in use by process ${pid}. Stop it first, or point ` +
      'DATABASE_URL at a PostgreSQL server to share one database between processes.',
  );
}

/** Takes the data dir for this process; returns the release function. Throws if it is taken. */
export function lockDataDir(dataDir: string): () => void {
  if (heldHere.has(dataDir)) throw inUse(dataDir, process.pid);
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Someone else created it between our removal of a stale file and our retry.
      if (attempt > 0) throw inUse(dataDir, 'another process');
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {
        // Vanished meanwhile, or unreadable: retry the exclusive create once.
      }
      if (Number.isInteger(owner) && isRunning(owner)) throw inUse(dataDir, owner);
      rmSync(path, { force: true });
    }
  }
  heldHere.add(dataDir);
  return () => {
    heldHere.delete(dataDir);
    rmSync(path, { force: true });
  };
}
