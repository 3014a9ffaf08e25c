// Bundles the browser SDK with esbuild (declarations come from `tsc -b`):
// - dist/index.js        ESM for bundlers, core evaluator inlined (zod is not reachable from it);
// - dist/openfeature.js  ESM OpenFeature provider, importing ./index.js and @openfeature/web-sdk;
// - dist/metrics.js      ESM track() events module (`browserMetrics()`), self-contained: the client
//   reaches it only through the hook it is given, so pages that do not track events pay nothing
//   (usage counts are reported by the client itself);
// - dist/switchyard.min.js  minified IIFE for a <script> tag, global `Switchyard`: client and metrics.
// `platform: 'browser'` makes any Node built-in import a build error.
//
// Size (the client with usage reporting within 5.4 kB min+gzip, see package.json "size-limit" and
// README.md "Bundle size": issue 16's 5 kB is not met):
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
  plugins: [browserHash],
  write: false,
};

/** esbuild, then terser over its output (source maps chained), then write. */
async function bundle(options, { module }) {
  const result = await build({ ...common, ...options });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const map = result.outputFiles.find((file) => file.path.endsWith('.js.map'));
  const name = options.outfile.split('/').pop();
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
  const outfile = `${root}/${options.outfile}`;
  await Promise.all([writeFile(outfile, minified.code), writeFile(`${outfile}.map`, minified.map)]);
}

/**
 * The client bundles also mangle these members of core's sync API: public for core's other users,
 * internal here (nothing outside the bundle sees the store or the compiled snapshot). Not used for
 * the OpenFeature entry, which calls other packages' objects and must keep every name.
 */
const clientMangleProps = /_$|^(applyPut|applyPatch|allowOlder|compiled|flagKeys|minMs|maxMs)$/;

await Promise.all([
  bundle(
    { entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/index.js', mangleProps: clientMangleProps },
    { module: true },
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
      mangleProps: clientMangleProps,
    },
    { module: false },
  ),
]);
