import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = fileURLToPath(new URL('../core/src', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against core's sources, so a core change needs no rebuild to be tested here.
    alias: [
      { find: /^@switchyard\/core\/schema$/, replacement: `${coreSrc}/schema/index.ts` },
      { find: /^@switchyard\/core\/regex-check$/, replacement: `${coreSrc}/schema/regex-check.ts` },
      { find: /^@switchyard\/core$/, replacement: `${coreSrc}/index.ts` },
    ],
  },
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share a worker's module cache instead of re-importing the app (fastify, Prisma,
    // zod, …) each: ~60% less CPU for the server's files (measured). Safe because every file builds
    // its own app and database; a test that changes module state restores it in afterAll.
    isolate: false,
  },
});
