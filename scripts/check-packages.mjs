// Checks the published form of core, sdk-node, sdk-browser and the CLI, as a user gets them (DEVELOPERS.md,
// "Releasing"): `npm pack` each workspace, install the tarballs into empty folders outside the
// repository, then
// - run sdk-node from ESM `import` and from CommonJS `require`, and sdk-browser's ESM in Node, each
//   evaluating flags from a bootstrap (sdk-node's includes a `regex` condition, so recheck must load
//   from the installed core in both module systems), and the CLI's `switchyard` bin (--help, and
//   exit 3 when not signed in);
// - type-check a small TypeScript consumer under `moduleResolution` node16 (ESM and CommonJS files)
//   and bundler, with the repository's TypeScript;
// - run publint (strict: warnings count) and @arethetypeswrong/cli on each tarball;
// - run `npm publish --dry-run` on each workspace and refuse any npm warning.
// Prints the tarball sizes and the installed footprint. Expects `dist/` to be built (the npm script
// `check:packages` builds the three workspaces first). Exits 1 listing every problem found.
// `--keep` leaves the temporary folder in place for a look.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import {
  bootstrapSnapshot,
  browserConsumerTs,
  nodeConsumerCts,
  nodeConsumerTs,
  runtimeChecks,
} from './package-consumers.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const workspaces = ['core', 'sdk-node', 'sdk-browser', 'cli'];
/**
 * attw options: node16 leaves out node10 resolution (which has no subpath exports); sdk-browser is
 * ESM only, and its `./switchyard.min.js` is a <script> file (an IIFE defining a global), not a module.
 */
const attwOptions = {
  core: ['--profile', 'node16'],
  'sdk-node': ['--profile', 'node16'],
  'sdk-browser': ['--profile', 'esm-only', '--exclude-entrypoints', './switchyard.min.js'],
};
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const attw = join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const keep = process.argv.includes('--keep');

const work = mkdtempSync(join(tmpdir(), 'switchyard-packages-'));
const problems = [];
const report = [];

/** Runs a command; a non-zero exit is recorded as a problem named `what`. */
function run(what, command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) problems.push(`${what} failed (exit ${result.status}):\n${output}`);
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '', output };
}

const npmWarnings = (text) => text.split('\n').filter((line) => /^npm (warn|WARN|error|ERR)/.test(line));
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

try {
  for (const w of workspaces)
    if (!existsSync(join(repo, w, 'dist/cjs/package.json')) && w !== 'sdk-browser' && w !== 'cli')
      throw new Error(`${w}/dist/cjs is missing: run npm run build first`);

  // ---- pack ------------------------------------------------------------------------------------
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packArgs = ['pack', '--json', '--pack-destination', tarballs, ...workspaces.flatMap((w) => ['-w', w])];
  const pack = run('npm pack', 'npm', packArgs, repo);
  if (!pack.ok) throw new Error('npm pack failed');
  for (const line of npmWarnings(pack.stderr)) problems.push(`npm pack: ${line}`);
  /** @type {{ name: string, filename: string, size: number, unpackedSize: number, files: { path: string }[] }[]} */
  const packed = JSON.parse(pack.stdout);
  const tarball = Object.fromEntries(
    packed.map((p) => [p.name.replace('@switchyard/', ''), join(tarballs, p.filename)]),
  );
  const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
  for (const p of packed) {
    report.push(`${p.filename}: ${kib(p.size)} packed, ${kib(p.unpackedSize)} unpacked, ${p.files.length} files`);
    const paths = p.files.map((f) => f.path);
    const w = p.name.replace('@switchyard/', '');
    if (!paths.includes('LICENSE')) problems.push(`${p.filename} has no LICENSE`);
    else if (readFileSync(join(repo, w, 'LICENSE'), 'utf8') !== license)
      problems.push(`${w}/LICENSE differs from the repository's LICENSE`);
    const stray = paths.filter((f) => !/^(LICENSE|README\.md|package\.json|dist\/.*)$/.test(f));
    if (stray.length) problems.push(`${p.filename} holds files outside dist/: ${stray.join(', ')}`);
  }

  // ---- install into empty folders outside the repository ---------------------------------------
  // The tarballs are named on the command line, so sdk-node's and sdk-browser's `@switchyard/core`
  // dependency is satisfied by the core tarball, never by a registry copy (checked below).
  const typesNode = JSON.parse(readFileSync(join(repo, 'node_modules/@types/node/package.json'), 'utf8')).version;
  const consumers = {
    node: { deps: [tarball.core, tarball['sdk-node'], `@types/node@${typesNode}`] },
    browser: { deps: [tarball.core, tarball['sdk-browser']] },
    cli: { deps: [tarball.core, tarball.cli] },
  };
  const installedName = { node: 'sdk-node', browser: 'sdk-browser', cli: 'cli' };
  for (const [name, consumer] of Object.entries(consumers)) {
    const dir = join(work, `consumer-${name}`);
    consumer.dir = dir;
    mkdirSync(dir);
    writeJson(join(dir, 'package.json'), { name: `consumer-${name}`, private: true, type: 'module' });
    const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', ...consumer.deps];
    const install = run(`npm install in consumer-${name}`, 'npm', args, dir);
    for (const line of npmWarnings(install.stderr)) problems.push(`npm install (consumer-${name}): ${line}`);
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    for (const [path, entry] of Object.entries(lock.packages))
      if (path.endsWith('node_modules/@switchyard/core') && !String(entry.resolved).startsWith('file:'))
        problems.push(`consumer-${name}: ${path} came from ${entry.resolved}, not the core tarball`);
    const du = spawnSync('du', ['-sk', join(dir, 'node_modules')], { encoding: 'utf8' });
    // The lockfile also lists optional packages for other platforms, which are not installed.
    const packages = Object.keys(lock.packages).filter(
      (p) => p && !p.includes('@types/node') && existsSync(join(dir, p)),
    );
    report.push(
      `installed ${installedName[name]}: ${(Number.parseInt(du.stdout, 10) / 1024).toFixed(1)} MiB ` +
        `in node_modules${name === 'node' ? ' (with @types/node)' : ''}, ${packages.length} packages: ` +
        packages.map((p) => p.replace(/^.*node_modules\//, '')).join(', '),
    );
  }
  if (existsSync(join(consumers.browser.dir, 'node_modules/recheck')))
    problems.push('installing sdk-browser installed recheck (only the server and sdk-node need it)');

  // ---- run: sdk-node from ESM and CommonJS, sdk-browser's ESM in Node ---------------------------
  writeJson(join(consumers.node.dir, 'bootstrap.json'), bootstrapSnapshot);
  writeJson(join(consumers.browser.dir, 'bootstrap.json'), bootstrapSnapshot);
  for (const check of runtimeChecks) {
    const dir = consumers[check.consumer].dir;
    writeFileSync(join(dir, check.file), check.source);
    const result = run(`${check.what} (node ${check.file})`, process.execPath, [check.file], dir);
    if (result.ok && !result.stdout.includes('ok')) problems.push(`${check.what} printed no "ok":\n${result.output}`);
    if (result.ok) report.push(`${check.what}: ${result.stdout.trim()}`);
  }

  // ---- the CLI's bin, as `npm install @switchyard/cli` links it -----------------------------------
  const bin = join(consumers.cli.dir, 'node_modules/.bin/switchyard');
  const help = run('switchyard --help', bin, ['--help'], consumers.cli.dir);
  if (help.ok && !help.stdout.includes('Usage: switchyard'))
    problems.push(`switchyard --help printed:\n${help.output}`);
  if (help.ok) report.push('cli: switchyard --help: ok');
  const env = { PATH: process.env.PATH, XDG_CONFIG_HOME: join(consumers.cli.dir, 'config') };
  const signedOut = spawnSync(bin, ['projects', 'list'], { cwd: consumers.cli.dir, env, encoding: 'utf8' });
  if (signedOut.status !== 3) problems.push(`switchyard projects list, not signed in: exit ${signedOut.status}, not 3`);
  else report.push('cli: exit 3 when not signed in: ok');

  // ---- types: node16 (ESM and CommonJS files) and bundler resolution ----------------------------
  writeFileSync(join(consumers.node.dir, 'consumer.ts'), nodeConsumerTs);
  writeFileSync(join(consumers.node.dir, 'consumer.cts'), nodeConsumerCts);
  writeFileSync(join(consumers.browser.dir, 'consumer.ts'), browserConsumerTs);
  const strict = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022'] };
  const typeChecks = [
    [
      'node',
      'node16',
      { module: 'node16', moduleResolution: 'node16', types: ['node'] },
      ['consumer.ts', 'consumer.cts'],
    ],
    ['node', 'bundler', { module: 'esnext', moduleResolution: 'bundler', types: ['node'] }, ['consumer.ts']],
    [
      'browser',
      'node16',
      { module: 'node16', moduleResolution: 'node16', lib: ['ES2022', 'DOM'], types: [] },
      ['consumer.ts'],
    ],
    [
      'browser',
      'bundler',
      { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
      ['consumer.ts'],
    ],
  ];
  for (const [name, resolution, options, files] of typeChecks) {
    const dir = consumers[name].dir;
    const config = `tsconfig.${resolution}.json`;
    writeJson(join(dir, config), { compilerOptions: { ...strict, ...options }, files });
    if (run(`tsc (consumer-${name}, ${resolution})`, process.execPath, [tsc, '-p', config], dir).ok)
      report.push(`types (${name === 'node' ? 'sdk-node' : 'sdk-browser'}, ${resolution}): ok`);
  }

  // ---- publint, attw, npm publish --dry-run -----------------------------------------------------
  for (const w of workspaces) {
    const bytes = readFileSync(tarball[w]);
    const lint = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) },
      strict: true,
    });
    const counted = lint.messages.filter((m) => m.type !== 'suggestion');
    for (const m of counted) problems.push(`publint ${w}: ${formatMessage(m, lint.pkg)}`);
    for (const m of lint.messages.filter((m) => m.type === 'suggestion'))
      report.push(`publint ${w} (suggestion): ${formatMessage(m, lint.pkg)}`);
    if (!counted.length) report.push(`publint ${w}: ok`);

    // The CLI is a bin: no module entry points, no types to check.
    const types = !attwOptions[w]
      ? { ok: false }
      : run(`attw ${w}`, process.execPath, [attw, tarball[w], ...attwOptions[w], '--format', 'ascii'], work);
    if (types.ok) report.push(`attw ${w} (${attwOptions[w].join(' ')}): ok`);

    const publish = run(`npm publish --dry-run -w ${w}`, 'npm', ['publish', '--dry-run', '-w', w], repo);
    // Publishing needs a login; a dry run without one says so, which is no fault of the package.
    const warnings = npmWarnings(publish.stderr).filter((line) => !/requires you to be logged in/.test(line));
    for (const line of warnings) problems.push(`npm publish --dry-run -w ${w}: ${line}`);
    if (publish.ok && !warnings.length) report.push(`npm publish --dry-run ${w}: ok`);
  }
} catch (error) {
  problems.push(String(error instanceof Error ? error.message : error));
} finally {
  if (keep) report.push(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(report.join('\n'));
if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n\n${problems.join('\n\n')}`);
  process.exit(1);
}
console.log('\npackages: all checks passed');
