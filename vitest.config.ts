import { defineConfig } from 'vitest/config';

// Each workspace has its own vitest.config.ts; `npm test` runs them all as projects.
export default defineConfig({
  test: {
    projects: ['*/vitest.config.ts'],
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
  },
});
