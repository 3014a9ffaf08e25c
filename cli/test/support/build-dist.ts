import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds the CLI (and core, which it references) so the spawned-bin tests never run a stale dist/. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
}
