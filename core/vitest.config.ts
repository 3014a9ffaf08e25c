import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    // Property tests evaluate hundreds of thousands of flags; shared CI machines can be slow.
    testTimeout: 30_000,
  },
});
