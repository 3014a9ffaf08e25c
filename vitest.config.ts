import { defineConfig } from 'vitest/config';

// Each workspace has its own vitest.config.ts; `npm test` runs them all as projects.
export default defineConfig({
  test: {
    projects: ['*/vitest.config.ts'],
    // Most test files wait on Postgres, Redis, Chromium or child servers rather than compute: three
    // files at a time on CI's two cores takes about half the time of vitest's default (cores - 1).
    maxWorkers: 3,
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
  },
});
