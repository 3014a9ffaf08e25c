import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'sdk-browser',
    include: ['test/**/*.test.ts'],
    // Spec vectors, the size budget and the browser test run against dist/: build it first.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 20_000,
  },
});
