// Bundles the browser SDK with esbuild (declarations come from `tsc -b`):
// - dist/index.js        ESM for bundlers, core evaluator inlined (zod is not reachable from it),
//   without the cidr/date/semver operators: see `browserOperatorTable`;
// - dist/operators-extra.js  those operators, imported by dist/index.js when a snapshot uses them;
// - dist/openfeature.js  ESM OpenFeature provider, importing ./index.js and @openfeature/web-sdk;
// - dist/metrics.js      ESM track() events module (`browserMetrics()`), self-contained: the client
//   reaches it only through the hook it is given, so pages that do not track events pay nothing
//   (usage counts are reported by the client itself);
// - dist/switchyard.min.js  minified IIFE for a <script> tag, global `Switchyard`: client (every
//   operator) and metrics.
// `platform: 'browser'` makes any Node built-in import a build error.
//
// Size (the client with usage reporting within 5 kB min+gzip, see package.json "size-limit" and
// README.md "Bundle size"):
// - the rare operators' parsers are a file of their own, loaded on demand (`browserOperatorTable`);
// - internal property names of core end in `_` (core/src/compile/compiled-types.ts) and are mangled
//   (`mangleProps`); wire and public names never end in `_`;
// - terser runs after esbuild (a few hundred bytes smaller than esbuild's minifier alone);
// - core's hash module is replaced by a smaller equivalent; see `browserHash`;
// - evaluation error messages are terse (the flag key; the error code says what failed): see
//   core/src/model/terse-errors.ts.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * core's hash module (hash/murmur3.js: an ASCII shortcut, then murmurhash-js) is replaced in the
 * client bundles by src/hash/murmur3.ts: the same functions and results, ~0.25 kB gzipped smaller
 * (TextEncoder for every input and `Math.imul`; see that file). Agreement is tested in
 * test/murmur3.test.ts and by spec/ on the bundle.
 */
const browserHash = {
  name: 'browser-hash',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]core[\\/]dist[\\/]hash[\\/]murmur3\.js$/ }, async () => ({
      contents: await readFile(fileURLToPath(new URL('../src/hash/murmur3.ts', import.meta.url)), 'utf8'),
      loader: 'ts',
    }));
  },
};

/**
 * core's operator table (operators/operator-table.js: every operator family) is replaced in the
 * client bundles by src/operator-table.ts, whose table starts empty: the rare families (cidr, date,
 * semver: ~2 kB minified of parsers) are dist/operators-extra.js, which the client imports when a
 * snapshot uses them (src/operators.ts). In the IIFE that import is bundled in (one file).
 */
const browserOperatorTable = {
  name: 'browser-operator-table',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]core[\\/]dist[\\/]operators[\\/]operator-table\.js$/ }, async () => ({
      contents: await readFile(fileURLToPath(new URL('../src/operator-table.ts', import.meta.url)), 'utf8'),
      loader: 'ts',
    }));
  },
};

/**
 * The IIFE carries every operator family (core's own table: no on-demand file for a <script> tag),
 * so src/operators.ts, which loads them on demand, becomes a call of `apply` there.
 */
const allOperators = {
  name: 'all-operators',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]sdk-browser[\\/]src[\\/]operators\.ts$/ }, () => ({
      contents: 'export const afterOperators = (json, apply) => apply();',
      loader: 'ts',
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  sourcemap: 'external',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  mangleProps: /_$/,
  define: { 'globalThis.SWITCHYARD_TERSE_ERRORS': 'true' },
  plugins: [browserHash, browserOperatorTable],
  write: false,
};

/**
 * esbuild, then terser over each JavaScript file it output (source maps chained), then write.
 * `expected`: the names of the files it must output (with code splitting, a module shared by two
 * entries would become a third file, `chunk-….js`: a build error, since the size budgets measure
 * the entries alone).
 */
async function bundle(options, { module, expected = [options.outfile.split('/').pop()] }) {
  const result = await build({ ...common, ...options });
  const scripts = result.outputFiles.filter((file) => file.path.endsWith('.js'));
  const names = scripts.map((file) => file.path.split('/').pop());
  if (names.sort().join() != [...expected].sort().join()) {
    throw new Error(`esbuild output ${names.join(', ')}; expected ${expected.join(', ')}`);
  }
  await Promise.all(
    scripts.map(async (code) => {
      const map = result.outputFiles.find((file) => file.path == `${code.path}.map`);
      const name = code.path.split('/').pop();
      const minified = await minify(code.text, {
        module,
        toplevel: module,
        // Measured on dist/index.js: hoisting function declarations and inlining only simple functions
        // gzip ~30 B smaller than terser's defaults. `unsafe_arrows` (ES2020 output) writes the
        // functions terser inlines as arrows (−7 B): safe here, as nothing in the bundle uses `this`,
        // `arguments` or `new` on a function expression; no other `unsafe*` option is used.
        ecma: 2020,
        compress: { passes: 3, hoist_funs: true, inline: 1, unsafe_arrows: true },
        sourceMap: { content: map.text, url: `${name}.map` },
      });
      await Promise.all([writeFile(code.path, minified.code), writeFile(`${code.path}.map`, minified.map)]);
    }),
  );
}

/**
 * The client bundles also mangle these members of core's sync API: public for core's other users,
 * internal here (nothing outside the bundle sees the store or the compiled snapshot). Not used for
 * the OpenFeature entry, which calls other packages' objects and must keep every name.
 */
const clientMangleProps = /_$|^(applyPut|applyPatch|allowOlder|compiled|flagKeys|minMs|maxMs)$/;

await Promise.all([
  // The client and, split off, the rare operators it imports on demand.
  bundle(
    {
      entryPoints: ['src/index.ts', 'src/operators-extra.ts'],
      format: 'esm',
      splitting: true,
      outdir: 'dist',
      mangleProps: clientMangleProps,
    },
    { module: true, expected: ['index.js', 'operators-extra.js'] },
  ),
  bundle(
    {
      entryPoints: ['src/openfeature.ts'],
      format: 'esm',
      outfile: 'dist/openfeature.js',
      external: ['@openfeature/web-sdk', './index.js'],
    },
    { module: true },
  ),
  // Its own names are mangled as the client's are; the hooks between them are a tuple and public
  // option names, which no mangling touches.
  bundle(
    { entryPoints: ['src/metrics.ts'], format: 'esm', outfile: 'dist/metrics.js', mangleProps: clientMangleProps },
    { module: true },
  ),
  bundle(
    {
      entryPoints: ['src/script-tag.ts'],
      format: 'iife',
      globalName: 'Switchyard',
      outfile: 'dist/switchyard.min.js',
      plugins: [browserHash, allOperators],
      mangleProps: clientMangleProps,
    },
    { module: false },
  ),
]);
