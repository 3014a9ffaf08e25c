/**
 * The shape every library adapter implements. One child process loads exactly one adapter, so the
 * evaluation call inside `pass` is a monomorphic call site into that library.
 *
 * @typedef {object} Adapter
 * @property {string} id          short id used on the command line (`switchyard`, `unleash`, …)
 * @property {string} label       display name, with the library's version
 * @property {boolean} isAsync    whether the library's evaluation API returns a Promise
 * @property {(context: import('../scenarios.mjs').BenchContext) => unknown} toContext
 *   builds the library's own context object; called before timing starts
 * @property {(contexts: unknown[]) => number | Promise<number>} pass
 *   evaluates the flag once for every context, returns how many came out on
 * @property {(context: unknown) => boolean | Promise<boolean>} evaluate  one evaluation (for checks)
 * @property {() => void | Promise<void>} close  releases timers/sockets so the process can exit
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The installed version of a package, read from its package.json (which some packages' `exports`
 * hide from `require`).
 * @param {string} name
 */
export function packageVersion(name) {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return pkg.version;
    } catch {
      // no package.json at this level; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
