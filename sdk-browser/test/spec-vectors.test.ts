import { beforeAll, describe, expect, it } from 'vitest';
import {
  MIN_EVALUATION_CASES,
  caseArguments,
  comparableResult,
  countEvaluationCases,
  loadEvaluationFiles,
} from '../../spec/load.mjs';
// The built bundle, not the sources: what ships is what is tested.
import { createBrowserClient } from '../dist/index.js';
import type { EvaluationContext } from '../dist/index.js';

const files = loadEvaluationFiles();

describe('spec vectors through the built browser bundle (dist/index.js)', () => {
  it(`has at least ${MIN_EVALUATION_CASES} cases`, () => {
    expect(countEvaluationCases(files)).toBeGreaterThanOrEqual(MIN_EVALUATION_CASES);
  });

  it('covers the operators the client loads on demand (dist/operators-extra.js)', () => {
    const used = files.map((file) => JSON.stringify(file.snapshot)).join();
    for (const operator of ['"cidr"', '"date_', '"semver_']) expect(used).toContain(`"operator":${operator}`);
  });

  for (const file of files) {
    describe(file.file, () => {
      // One client per file, bootstrapped with the file's snapshot; identify() switches context per case.
      const client = createBrowserClient({
        url: 'http://127.0.0.1:9',
        clientKey: 'sy_client_spec',
        offline: true,
        storage: null,
        bootstrap: file.snapshot,
      });
      // ready(): once the cidr/date/semver operators are loaded when the snapshot uses them.
      beforeAll(() => client.ready());

      for (const testCase of file.cases) {
        it(testCase.description, async () => {
          const { flagKey, context, defaultValue, expectedType } = caseArguments(testCase);
          await client.identify(context as EvaluationContext);
          const result = client.evaluate(flagKey, defaultValue, expectedType);
          expect(comparableResult(result as Parameters<typeof comparableResult>[0])).toEqual(testCase.expected);
          // The boolean fast path must agree wherever a boolean flag serves a variant.
          const flag = file.snapshot.flags.find((candidate) => candidate.key === flagKey);
          if (flag?.type === 'boolean' && testCase.expected.variant !== undefined && !expectedType) {
            expect(client.isEnabled(flagKey, !testCase.expected.value)).toBe(testCase.expected.value);
          }
        });
      }
    });
  }
});
