import { describe, expect, it } from 'vitest';
import {
  caseArguments,
  comparableResult,
  countEvaluationCases,
  loadEvaluationFiles,
  MIN_EVALUATION_CASES,
} from '../../spec/load.mjs';
import { createClient, type EvaluationContext, type SwitchyardClient } from '../src/index.js';

// Every spec vector through the public client API: each file's snapshot is the client's bootstrap
// (no server), then `evaluate` must give exactly the expected result.
const files = loadEvaluationFiles();

describe('spec vectors through createClient({ bootstrap }).evaluate', () => {
  it('covers the whole contract', () => {
    expect(countEvaluationCases(files)).toBeGreaterThanOrEqual(MIN_EVALUATION_CASES);
  });

  for (const file of files) {
    describe(file.file, () => {
      let client: SwitchyardClient;

      it('loads the snapshot as bootstrap and becomes ready without a server', async () => {
        client = createClient({ sdkKey: 'sy_server_offline', bootstrap: file.snapshot });
        await client.ready();
        expect(client.revision).toBe(file.snapshot.revision);
      });

      for (const testCase of file.cases) {
        it(testCase.description, () => {
          const { flagKey, context, defaultValue, expectedType } = caseArguments(testCase);
          const ctx = context as EvaluationContext;
          const result = client.evaluate(flagKey, ctx, defaultValue, expectedType);
          expect(comparableResult(result as Parameters<typeof comparableResult>[0])).toEqual(testCase.expected);
          // The other entry points agree with evaluate.
          if (expectedType === 'boolean' || (expectedType === undefined && typeof defaultValue === 'boolean')) {
            const fallback = typeof defaultValue === 'boolean' ? defaultValue : false;
            const expected = client.evaluate(flagKey, ctx, fallback, 'boolean').value;
            expect(client.isEnabled(flagKey, ctx, fallback)).toBe(expected);
          }
          expect(client.getVariant(flagKey, ctx)).toEqual({
            variant: client.evaluate(flagKey, ctx).variant,
            value: client.evaluate(flagKey, ctx).value,
          });
        });
      }
    });
  }
});
