// Bundles the browser SDK with esbuild (declarations come from `tsc -b`):
// - dist/index.js        ESM for bundlers, core evaluator inlined (zod is not reachable from it);
// - dist/openfeature.js  ESM OpenFeature provider, importing ./index.js and @openfeature/web-sdk;
// - dist/switchyard.min.js  minified IIFE for a <script> tag, global `Switchyard`.
// `platform: 'browser'` makes any Node built-in import a build error.
//
// Size (the client must stay within 5 kB min+gzip, see package.json "size-limit"):
// - internal property names of core end in `_` (core/src/compile/compiled-types.ts) and are mangled
//   (`mangleProps`); wire and public names never end in `_`;
// - terser runs after esbuild (a few hundred bytes smaller than esbuild's minifier alone);
// - murmurhash-js is CommonJS; see `murmurhashAsEsm`;
// - evaluation error messages are terse (the flag key; the error code says what failed): see
//   core/src/model/terse-errors.ts.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * murmurhash-js/murmurhash3_gc.js is a CommonJS file that declares `murmurhash3_32_gc` and ends with
 * `if (typeof module !== "undefined") module.exports = murmurhash3_32_gc`. Bundled as it is, esbuild
 * wraps it in its CommonJS interop helpers (~0.3 kB gzipped). This loads the same, unmodified
 * function as an ES module instead: the `module.exports` lines are dropped and an `export default`
 * is appended, at bundle time only (the package on disk is untouched).
 */
const murmurhashAsEsm = {
  name: 'murmurhash-as-esm',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /murmurhash-js[\\/]murmurhash3_gc\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const exportsAt = source.lastIndexOf('if(typeof module');
      if (exportsAt < 0 || !source.includes('function murmurhash3_32_gc(')) {
        throw new Error(`${path} changed shape: update the murmurhash-as-esm plugin`);
      }
      return { contents: `${source.slice(0, exportsAt)}\nexport default murmurhash3_32_gc;\n`, loader: 'js' };
    });
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
  plugins: [murmurhashAsEsm],
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
    // gzip ~30 B smaller than terser's defaults (same semantics; `unsafe*` options are not used).
    compress: { passes: 3, hoist_funs: true, inline: 1 },
    sourceMap: { content: map.text, url: `${name}.map` },
  });
  const outfile = `${root}/${options.outfile}`;
  await Promise.all([writeFile(outfile, minified.code), writeFile(`${outfile}.map`, minified.map)]);
}

await Promise.all([
  bundle({ entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/index.js' }, { module: true }),
  bundle(
    {
      entryPoints: ['src/openfeature.ts'],
      format: 'esm',
      outfile: 'dist/openfeature.js',
      external: ['@openfeature/web-sdk', './index.js'],
    },
    { module: true },
  ),
  bundle(
    { entryPoints: ['src/index.ts'], format: 'iife', globalName: 'Switchyard', outfile: 'dist/switchyard.min.js' },
    { module: false },
  ),
]);
