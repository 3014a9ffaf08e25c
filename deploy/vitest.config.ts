import { defineConfig } from 'vitest/config';

// Static checks of the deployment files (Dockerfile, compose, Kubernetes, CI workflow).
export default defineConfig({
  test: {
    name: 'deploy',
    include: ['test/**/*.test.ts'],
    // `kubectl kustomize` renders take a second or two each.
    testTimeout: 30_000,
    // Files share a worker's module cache (no re-import per file); each sets up and closes its own state.
    isolate: false,
  },
});
