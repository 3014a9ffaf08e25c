// `npm start`: builds core and the server, and the web console, only when their sources changed
// since their last build (`npm install` builds them once, in `prepare`), then runs the server in
// this process.
// `--build-only`: the same check and build, without starting (for the benchmarks).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleBuildReason, staleConsoleReason } from './build-staleness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const reason = await staleBuildReason(root);
if (reason) {
  console.log(`Building the server first (${reason})…`);
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', 'core', '-w', 'server'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const consoleReason = await staleConsoleReason(root);
if (consoleReason) {
  console.log(`Building the web console first (${consoleReason})…`);
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', 'console'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!process.argv.includes('--build-only')) await import('../server/dist/main.js');
