import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Long test files first, across the whole run. vitest's own order is by project *name* (cli,
 * console, core, …, server last) and only then longest first, and on CI (a clean clone: no results
 * cache) by file size; so the server's minute-long files (the access matrix, the soak and fuzz
 * tests) started after everything else and ran alone at the end. Here the projects run heaviest
 * first and, inside one, the longest files first: from the last run's durations when vitest has
 * them (a developer's machine), else by a file's kind and size. Files of one project stay together,
 * so a worker of a non-isolated project (isolate: false) goes on to the next file with its modules
 * loaded.
 */

/** File kinds that start a browser, servers, child processes or thousands of requests. */
const SLOW = /(\.e2e|\.fuzz|\.race|soak|chaos|authorization|embedded|migrator|spec-through-api)[^/]*\.test\.ts$/;

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const keyOf = (file: TestSpecification) => `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`;
    const byProject = new Map<string, TestSpecification[]>();
    for (const file of files) byProject.set(file.project.name, [...(byProject.get(file.project.name) ?? []), file]);

    const weights = new Map<TestSpecification, number>();
    for (const group of byProject.values()) {
      // Measured durations (ms) are comparable only with each other: use them when every file has one.
      const durations = group.map((file) => cache.getFileTestResults(keyOf(file))?.duration);
      const measured = durations.every((duration) => duration !== undefined);
      group.forEach((file, index) => {
        const size = cache.getFileStats(keyOf(file))?.size ?? 0;
        // A slow kind outranks any plain file; bytes stand in for milliseconds otherwise (same scale: ~10⁴).
        weights.set(file, measured ? durations[index]! : size * (SLOW.test(file.moduleId) ? 10 : 1));
      });
    }
    const total = (group: TestSpecification[]) => group.reduce((sum, file) => sum + weights.get(file)!, 0);
    return [...byProject.values()]
      .sort((a, b) => total(b) - total(a))
      .flatMap((group) => group.sort((a, b) => weights.get(b)! - weights.get(a)!));
  }
}
