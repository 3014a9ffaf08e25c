import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Rebuilds the bundles (esbuild, well under a second) so tests never run against a stale dist/. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
