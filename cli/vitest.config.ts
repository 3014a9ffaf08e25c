import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = fileURLToPath(new URL('../core/src', import.meta.url));

export default defineConfig({
  resolve: {
    // The tests start a real server from its sources (as the server's own tests do) and read core from source.
    alias: [
      { find: /^@switchyard\/core\/schema$/, replacement: `${coreSrc}/schema/index.ts` },
      { find: /^@switchyard\/core\/regex-check$/, replacement: `${coreSrc}/schema/regex-check.ts` },
      { find: /^@switchyard\/core$/, replacement: `${coreSrc}/index.ts` },
    ],
  },
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // The spawned-bin tests run dist/main.js: build it first.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share a worker's module cache (no re-import per file); each sets up and closes its own state.
    isolate: false,
  },
});
