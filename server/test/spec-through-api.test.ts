/**
 * The core spec vectors (spec/evaluation/*.json) evaluate identically when their flags are created
 * through the REST API and read back through GET /api/v1/sdk/snapshot: the admin API stores and the
 * SDK endpoint serves exactly what was written, nothing lost, added or reshaped in a way that changes
 * a result. Same comparison as core/test/spec.test.ts.
 *
 * Files marked `schemaInvalid` are left out: the API rejects their snapshots at write time by design
 * (that is what the marker means). One database for the whole file; one project per vector file.
 */
import { compileSnapshot, evaluate, type CompiledSnapshot, type EvaluationContext, type Flag } from '@switchyard/core';
import { snapshotSchema } from '@switchyard/core/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseArguments,
  comparableResult,
  countEvaluationCases,
  loadEvaluationFiles,
  MIN_EVALUATION_CASES,
  type EvaluationCase,
} from '../../spec/load.mjs';
import { createTestApp, type TestApp } from './helpers/app.js';
import { writeSpecProject, type SpecProject } from './spec-project.js';

/**
 * Configurations the API refuses by design, per file: flag key → the reason its 400 must give.
 * The API rejects a prerequisite on a flag that does not exist and any prerequisite cycle (also one
 * through a disabled flag, and a flag listing itself), so these vectors cannot be written. Which
 * flag of a cycle is refused depends on the order of the PUTs (the vector's flag order): the one
 * that closes the cycle. The test asserts that exactly these PUTs answer 400, with this reason.
 */
const REJECTED_CONFIGS: Readonly<Record<string, Readonly<Record<string, RegExp>>>> = {
  'evaluation/prerequisites.json': {
    'child-of-missing': /flag 'no-such-parent' does not exist/,
    'child-of-on-then-missing': /flag 'no-such-parent' does not exist/,
    'child-failing-before-missing': /flag 'no-such-parent' does not exist/,
    'disabled-child-of-missing': /flag 'no-such-parent' does not exist/,
    self: /cannot be its own prerequisite/,
    'cycle-b': /creates a cycle: cycle-b → cycle-a → cycle-b/,
    'tri-c': /creates a cycle: tri-c → tri-a → tri-b → tri-c/,
    'disabled-back-edge': /creates a cycle: disabled-back-edge → loop-through-disabled → disabled-back-edge/,
    'disabled-self': /cannot be its own prerequisite/,
  },
};

/**
 * Cases that cannot run through the API, per file: those whose evaluation reaches a refused
 * configuration (the flag itself or a prerequisite, transitively, per the vector). Listed rather
 * than only derived so that the skip cannot grow unnoticed; the test checks the derivation agrees.
 */
const SKIPPED_CASE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'evaluation/prerequisites.json': [
    'child-of-missing',
    'child-of-on-then-missing',
    'child-failing-before-missing',
    'disabled-child-of-missing',
    'child-of-erroring', // its parent is child-of-missing
    'self',
    'cycle-a', // its parent cycle-b was refused
    'cycle-b',
    'tri-a', // reaches tri-c
    'tri-b', // reaches tri-c
    'tri-c',
    'depends-on-cycle', // reaches cycle-b
    'loop-through-disabled', // its parent disabled-back-edge was refused
    'disabled-back-edge',
    'disabled-self',
  ],
};

const files = loadEvaluationFiles().filter((file) => !file.schemaInvalid);

/** Flags `flagKey` reaches through the vector's prerequisites, itself included. */
function reachableFlags(flags: readonly Flag[], flagKey: string): Set<string> {
  const byKey = new Map(flags.map((flag) => [flag.key, flag]));
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const prerequisite of byKey.get(key)?.prerequisites ?? []) visit(prerequisite.flagKey);
  };
  visit(flagKey);
  return seen;
}

/** A flag as the API serves it, minus what the API owns (version) and defaults a vector leaves out. */
function comparableFlag(flag: Flag): Omit<Flag, 'version'> {
  const { version: _version, ...rest } = flag;
  if (rest.clientSide === false) delete rest.clientSide;
  return rest;
}

/** `evaluation/rules-ordering.json` → `spec-rules-ordering`. */
const projectKeyOf = (file: string) => `spec-${file.replace(/^evaluation\//, '').replace(/\.json$/, '')}`;

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});

afterAll(async () => {
  await testApp?.close();
});

it(`runs at least ${MIN_EVALUATION_CASES} cases through the API`, () => {
  const skipped = files.reduce(
    (sum, file) => sum + file.cases.filter((c) => SKIPPED_CASE_FLAGS[file.file]?.includes(c.flag)).length,
    0,
  );
  expect(countEvaluationCases(files) - skipped).toBeGreaterThanOrEqual(MIN_EVALUATION_CASES);
});

it('lists skips and rejections only for files that exist and are not schemaInvalid', () => {
  const names = files.map((file) => file.file);
  for (const file of [...Object.keys(REJECTED_CONFIGS), ...Object.keys(SKIPPED_CASE_FLAGS)]) {
    expect(names).toContain(file);
  }
});

for (const file of files) {
  describe(file.file, () => {
    // A Map, not the object: case flags such as `toString` or `__proto__` must not look rejected.
    const rejected = new Map(Object.entries(REJECTED_CONFIGS[file.file] ?? {}));
    const skippedFlags = new Set(SKIPPED_CASE_FLAGS[file.file] ?? []);
    const isSkipped = (testCase: EvaluationCase) => skippedFlags.has(testCase.flag);
    let project: SpecProject;
    let compiled: CompiledSnapshot;

    beforeAll(async () => {
      project = await writeSpecProject(testApp.app, testApp.adminHeaders, projectKeyOf(file.file), file.snapshot);
      compiled = compileSnapshot(project.snapshot);
    });

    it('the API accepts every configuration but the listed ones, and answers those with 400 and the reason', () => {
      const refused = Object.fromEntries([...project.configWrites].filter(([, write]) => write.status !== 200));
      expect(Object.keys(refused).sort()).toEqual([...rejected.keys()].sort());
      for (const [flagKey, reason] of rejected) {
        expect(refused[flagKey]?.status, flagKey).toBe(400);
        expect(refused[flagKey]?.message, flagKey).toMatch(reason);
      }
    });

    it('skips exactly the cases that reach a refused configuration', () => {
      const reachesRejected = (flagKey: string) =>
        [...reachableFlags(file.snapshot.flags, flagKey)].some((key) => rejected.has(key));
      const derived = [...new Set(file.cases.map((c) => c.flag).filter(reachesRejected))].sort();
      expect(derived).toEqual([...skippedFlags].sort());
    });

    it('the SDK snapshot is a valid core snapshot with every flag and segment of the vector', () => {
      const parsed = snapshotSchema.safeParse(project.snapshot);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect(project.snapshot.flags.map((flag) => flag.key).sort()).toEqual(
        file.snapshot.flags.map((flag) => flag.key).sort(),
      );
      expect([...project.snapshot.segments].sort((a, b) => a.key.localeCompare(b.key))).toStrictEqual(
        [...file.snapshot.segments].sort((a, b) => a.key.localeCompare(b.key)),
      );
    });

    it('serves every accepted flag exactly as the vector wrote it (but for its version)', () => {
      const served = new Map(project.snapshot.flags.map((flag) => [flag.key, flag]));
      for (const flag of file.snapshot.flags.filter((f) => !rejected.has(f.key))) {
        expect(comparableFlag(served.get(flag.key)!), flag.key).toStrictEqual(comparableFlag(flag));
      }
    });

    const runnable = file.cases.filter((testCase) => !isSkipped(testCase));
    it.each(runnable.map((c) => [c.description, c] as const))('%s', (_description, testCase) => {
      const { flagKey, context, defaultValue, expectedType } = caseArguments(testCase);
      const result = evaluate(compiled, flagKey, context as EvaluationContext, defaultValue, expectedType);
      expect(comparableResult(result)).toStrictEqual(testCase.expected);
    });
  });
}
