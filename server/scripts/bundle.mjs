// Bundles the compiled server (dist/server.js and everything it imports, after `tsc -b`) into one
// ES module, dist/main.js: the file `npm start`, the Docker image and the deploy manifests run.
// Why: a cold start used to spend about half its CPU resolving, reading and compiling ~740 files
// one by one; one file skips the resolution and file I/O and lets V8 parse everything in one go.
// `node dist/server.js` still runs the same server unbundled (for debugging).
//
// Prisma's query compiler ships as a 4.5 MB base64 string in a JS module; a module is never
// unloaded, so that string and its source stayed in the heap for the life of the process (~14 MB
// of RSS with the decoded copy). The bundle reads the compiler from a binary .wasm file written
// here instead (see patchQueryCompilerLoader).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Written next to dist/main.js; the patched loader finds it through import.meta.url. */
const WASM_FILE = 'query-compiler.postgresql.wasm';
const WASM_BASE64_MODULE = '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs';

/**
 * Left as ordinary imports from node_modules: PGlite (it finds its WASM and data files next to its
 * own code) and optional packages (pg-native). Only packages the server imports dynamically may be
 * listed: esbuild hoists a static import of an external package to the top of the bundle, so one
 * imported by a lazily loaded module (ioredis, by propagation/redis-bus.ts) would load at every
 * start. Bundled, ioredis's code is only parsed until REDIS_URL makes the server load redis-bus.
 */
const EXTERNAL = ['@electric-sql/pglite', 'pglite-prisma-adapter', 'pg-native'];

/**
 * @fastify/swagger-ui serves files from its own folder (`__dirname`); loaded from node_modules it
 * cost ~70 ms of CPU at every start (~40 CommonJS files: @fastify/static, glob, send, …). Bundled,
 * its modules get their real folder from Node's resolution at run time: node_modules still holds
 * the package and its static files, which are not bundled.
 */
const swaggerUiDirname = {
  name: 'swagger-ui-dirname',
  setup(esbuild) {
    const packageRoot = dirname(require.resolve('@fastify/swagger-ui'));
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/]@fastify[\\/]swagger-ui[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const folder = relative(packageRoot, dirname(args.path)).split(sep).join('/');
      const declaration =
        'var __dirname = require("node:path").join(require("node:path").dirname(' +
        `require.resolve("@fastify/swagger-ui")), ${JSON.stringify(folder)});\n`;
      // After "use strict", which must stay the first statement.
      const strict = /^(['"])use strict\1;?\n?/.exec(source)?.[0] ?? '';
      return {
        contents: strict + declaration + source.slice(strict.length),
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

/** The generated client's loader, as `prisma generate` (prisma-client, moduleFormat esm) writes it. */
const GENERATED_LOADER =
  /getQueryCompilerWasmModule: async \(\) => \{\s*const \{ wasm \} = await import\("@prisma\/client\/runtime\/query_compiler_fast_bg\.postgresql\.wasm-base64\.mjs"\);\s*return await decodeBase64AsWasm\(wasm\);\s*\}/;

/**
 * Replaces the generated client's WASM loader with one that reads dist/query-compiler.postgresql.wasm
 * (and compiles it off the main thread). Fails the build if Prisma changes the generated code, so
 * an upgrade cannot silently fall back to the base64 module.
 */
const patchQueryCompilerLoader = {
  name: 'prisma-query-compiler-file',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]dist[\\/]generated[\\/]prisma[\\/]internal[\\/]class\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!GENERATED_LOADER.test(source)) {
        throw new Error(`${args.path}: Prisma's query compiler loader changed; update scripts/bundle.mjs`);
      }
      const loader =
        'getQueryCompilerWasmModule: async () => WebAssembly.compile(' +
        `await (await import("node:fs/promises")).readFile(new URL(${JSON.stringify(`./${WASM_FILE}`)}, import.meta.url)))`;
      return { contents: source.replace(GENERATED_LOADER, loader), loader: 'js' };
    });
  },
};

/**
 * pg picks its socket implementation at load by asking whether it runs in Cloudflare Workers; on
 * Node 20 (no `navigator`) the probe constructs a fetch `Response`, which loads Node's fetch
 * implementation (undici): ~9 MB of RSS and 30–60 ms of CPU at every start, for a server that
 * never uses fetch. The bundle runs on Node only, so it takes pg's Node branch directly.
 */
const pgNodeSockets = {
  name: 'pg-node-sockets',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const probe = 'if (isCloudflareRuntime()) {';
      if (source.split(probe).length !== 2) {
        throw new Error(`${args.path}: pg's runtime probe changed; update scripts/bundle.mjs`);
      }
      return { contents: source.replace(probe, 'if (false) {'), loader: 'js' };
    });
  },
};

async function writeQueryCompilerWasm() {
  const { wasm } = await import(pathToFileURL(require.resolve(WASM_BASE64_MODULE)).href);
  await writeFile(`${serverDir}/dist/${WASM_FILE}`, Buffer.from(wasm, 'base64'));
}

await writeQueryCompilerWasm();
await build({
  absWorkingDir: serverDir,
  entryPoints: ['dist/server.js'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  plugins: [patchQueryCompilerLoader, pgNodeSockets, swaggerUiDirname],
  // Bundled CommonJS packages call require() for Node built-ins and optional packages.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // Less to parse at every start. Identifiers are not minified, so functions keep their names
  // except where two modules' top-level names collide (esbuild renames one: `serialize2`); nothing
  // here depends on those. Not `keepNames`: its __name() calls on closures created per request
  // cost ~25% of the snapshot endpoint's throughput (req per CPU-second, A/B). The source map
  // (`node --enable-source-maps dist/main.js`) leads back to dist/*.js and the packages.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
