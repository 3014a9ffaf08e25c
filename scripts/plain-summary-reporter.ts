import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one runner-neutral line, `N passed, N failed, N skipped`, so tools that read
 * test output without knowing vitest's format (CI dashboards) can tell that tests ran.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) counts[test.result().state] += 1;
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
