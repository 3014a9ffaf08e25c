import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    // Property tests evaluate hundreds of thousands of flags; shared CI machines can be slow.
    testTimeout: 30_000,
    // Files share a worker's module cache (no re-import per file); each sets up and closes its own state.
    isolate: false,
  },
});
