// Bundles the browser SDK with esbuild (declarations come from `tsc -b`):
// - dist/index.js        ESM for bundlers, core evaluator inlined (zod is not reachable from it);
// - dist/openfeature.js  ESM OpenFeature provider, importing ./index.js and @openfeature/web-sdk;
// - dist/switchyard.min.js  minified IIFE for a <script> tag, global `Switchyard`.
// `platform: 'browser'` makes any Node built-in import a build error.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/index.js' }),
  build({
    ...common,
    entryPoints: ['src/openfeature.ts'],
    format: 'esm',
    outfile: 'dist/openfeature.js',
    external: ['@openfeature/web-sdk', './index.js'],
  }),
  build({
    ...common,
    entryPoints: ['src/index.ts'],
    format: 'iife',
    globalName: 'Switchyard',
    outfile: 'dist/switchyard.min.js',
  }),
]);
