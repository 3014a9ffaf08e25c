import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = fileURLToPath(new URL('../core/src', import.meta.url));

export default defineConfig({
  resolve: {
    // The e2e tests start the server from its sources (as the server's own tests do).
    alias: [
      { find: /^@switchyard\/core\/schema$/, replacement: `${coreSrc}/schema/index.ts` },
      { find: /^@switchyard\/core\/regex-check$/, replacement: `${coreSrc}/schema/regex-check.ts` },
      { find: /^@switchyard\/core$/, replacement: `${coreSrc}/index.ts` },
    ],
  },
  test: {
    name: 'console',
    include: ['test/**/*.test.ts'],
    // The e2e and size tests run against dist/: build it first.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits on a real browser and server: vitest's 1 s default failed on a loaded
    // machine (load ~12) where the page was right, only late. A wrong page still fails, later.
    expect: { poll: { timeout: 15_000 } },
  },
});
