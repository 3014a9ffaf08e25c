import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/data-dir-lock.js';

describe('embedded data dir lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sy-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one holder in at a time and releases on unlock', () => {
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'switchyard.lock'), 'utf8').trim()).toBe(String(process.pid));
    expect(() => lockDataDir(dir)).toThrow(`The embedded database in ${dir} is in use by process ${process.pid}`);
    release();
    expect(existsSync(join(dir, 'switchyard.lock'))).toBe(false);
    lockDataDir(dir)();
  });

  it('refuses while another live process holds it', () => {
    writeFileSync(join(dir, 'switchyard.lock'), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`);
  });

  it('takes over a lock left behind by a process that is gone', () => {
    let dead = 4_000_000;
    // Find a pid with no process behind it.
    for (; ; dead++) {
      try {
        process.kill(dead, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') break;
      }
    }
    writeFileSync(join(dir, 'switchyard.lock'), `${dead}\n`);
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'switchyard.lock'), 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
