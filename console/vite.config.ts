import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Compressible outputs get `.gz` and `.br` siblings, which the server sends as they are (preCompressed). */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'switchyard-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const files = await readdir(outDir, { recursive: true });
      for (const file of files.filter((name) => COMPRESSIBLE.test(name))) {
        const path = join(outDir, file);
        const content = await readFile(path);
        await writeFile(`${path}.gz`, gzipSync(content, { level: 9 }));
        await writeFile(
          `${path}.br`,
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

export default defineConfig({
  // Preact's automatic JSX runtime (also read from tsconfig.json; said here so the bundler needs no guess).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts (the server's CSP forbids them): no module-preload polyfill either.
    modulePreload: { polyfill: false },
    // Hashed file names under assets/ are cached for a year by the server; index.html never.
    assetsDir: 'assets',
    assetsInlineLimit: 0,
  },
});
