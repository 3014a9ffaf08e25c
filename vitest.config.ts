import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './scripts/test-sequencer.ts';

// Each workspace has its own vitest.config.ts; `npm test` runs them all as projects.
export default defineConfig({
  test: {
    projects: ['*/vitest.config.ts'],
    // Three test files at a time on CI's two cores (vitest's default is cores - 1 = one): files that
    // wait on Postgres, Redis, Chromium or child servers overlap; measured ~10% faster end to end.
    maxWorkers: 3,
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
    // Heaviest project first and longest files first (scripts/test-sequencer.ts): no minute-long
    // file left to run alone at the end.
    sequence: { sequencer: LongestFirstSequencer },
  },
});
