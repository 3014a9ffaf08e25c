import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds the console (Vite, about a second) so the tests never run against a stale dist/. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
