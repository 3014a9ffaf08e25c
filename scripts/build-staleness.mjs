// Is the server's build (server/dist, with core) older than its sources? A cheap check for
// `npm start`: one stat per input file (a few hundred, ~10 ms), no compiler run.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Written by the server's build (server/scripts/build-stamp.mjs): `begin` creates `.build-begun`,
 * `end` renames it to `.build-stamp` once every step has succeeded. The rename keeps the begin
 * time, so a source saved while a build ran counts as newer than that build.
 */
export const BUILD_STAMP = 'server/dist/.build-stamp';

/**
 * What the server's build reads, relative to the repository root: folders are walked (skipping
 * tests and generated code), files are taken as they are; a missing one is ignored.
 */
export const BUILD_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'prisma.config.ts',
  'prisma',
  'core/package.json',
  'core/tsconfig.json',
  'core/src',
  'server/package.json',
  'server/tsconfig.json',
  'server/src',
  'server/scripts',
];

/** Not inputs: tests are not compiled; server/src/generated is written by the build itself. */
const skipped = (path) => /\.test\.ts$/.test(path) || /(^|[\\/])server[\\/]src[\\/]generated$/.test(path);

/**
 * The newest modification time (ms) of a file under `path`, or 0 when there is none. Folders' own
 * times are not counted: the build itself writes into server/src (the generated Prisma client).
 */
async function newestMtime(path) {
  if (skipped(path)) return 0;
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(0, ...times);
}

/** Why the build stamped by `stamp` must run again, or undefined; see staleBuildReason. */
async function staleReason(root, stamp, inputs) {
  let built;
  try {
    built = (await stat(join(root, stamp))).mtimeMs;
  } catch {
    return 'no complete build yet';
  }
  for (const input of inputs) {
    if ((await newestMtime(join(root, input))) > built) return `${input} changed since the last build`;
  }
  return undefined;
}

/**
 * Returns why the build in `root` must run again (no stamp: never built or the last build failed;
 * or the newest input), or undefined when it is current.
 * @param {string} root the repository root
 * @returns {Promise<string | undefined>}
 */
export async function staleBuildReason(root) {
  return staleReason(root, BUILD_STAMP, BUILD_INPUTS);
}

/**
 * The web console's build (`npm run build -w console`): each build empties console/dist and writes
 * a new index.html, so its time is the last build's (none after a failed one: built again).
 */
export const CONSOLE_STAMP = 'console/dist/index.html';

/** What the console's build reads. */
export const CONSOLE_INPUTS = [
  'package-lock.json',
  'console/package.json',
  'console/tsconfig.json',
  'console/vite.config.ts',
  'console/index.html',
  'console/src',
  'console/public',
];

/**
 * Why the console in `root` must be built again (as staleBuildReason), or undefined when current.
 * @param {string} root the repository root
 * @returns {Promise<string | undefined>}
 */
export async function staleConsoleReason(root) {
  return staleReason(root, CONSOLE_STAMP, CONSOLE_INPUTS);
}
