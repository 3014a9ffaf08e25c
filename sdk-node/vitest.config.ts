import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = fileURLToPath(new URL('../core/src', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against core's sources (as the server's do), so a core change needs no rebuild here.
    alias: [
      { find: /^@switchyard\/core\/schema$/, replacement: `${coreSrc}/schema/index.ts` },
      { find: /^@switchyard\/core\/regex-check$/, replacement: `${coreSrc}/schema/regex-check.ts` },
      { find: /^@switchyard\/core\/sync$/, replacement: `${coreSrc}/sync/index.ts` },
      { find: /^@switchyard\/core\/sync\/incremental$/, replacement: `${coreSrc}/sync/incremental-store.ts` },
      { find: /^@switchyard\/core\/client-api$/, replacement: `${coreSrc}/client-api/index.ts` },
      { find: /^@switchyard\/core$/, replacement: `${coreSrc}/index.ts` },
    ],
  },
  test: {
    name: 'sdk-node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share a worker's module cache (no re-import per file); each sets up and closes its own state.
    isolate: false,
  },
});
