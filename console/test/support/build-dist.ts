import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleConsoleReason } from '../../../scripts/build-staleness.mjs';

/**
 * Builds the console (Vite, a few seconds on a busy machine) so the tests never run against a stale
 * dist/; skipped when dist/ is newer than every input (`npm test` has just built it), as `npm start`
 * decides.
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  if ((await staleConsoleReason(root)) === undefined) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: `${root}/console`, stdio: 'inherit' });
}
