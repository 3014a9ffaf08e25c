/**
 * Runs the language-neutral vectors in spec/ against this package: every evaluation case, every
 * hash and bucket vector. The vectors are the contract shared with the server and the SDKs.
 */
import { compileSnapshot, evaluate, murmur3Utf8, rolloutBucket, variantBucket } from '@switchyard/core';
import type { EvaluationContext } from '@switchyard/core';
import { snapshotSchema } from '@switchyard/core/schema';
import { describe, expect, it } from 'vitest';
import {
  caseArguments,
  comparableResult,
  countEvaluationCases,
  loadEvaluationFiles,
  loadHashVectors,
  MIN_EVALUATION_CASES,
} from '../../spec/load.mjs';

const files = loadEvaluationFiles();
const hash = loadHashVectors();

describe('spec/hash.json', () => {
  it.each(hash.murmur3.map((v) => [JSON.stringify(v.input).slice(0, 60), v.seed, v] as const))(
    'murmur3Utf8(%s, %i)',
    (_label, seed, v) => {
      expect(murmur3Utf8(v.input, seed)).toBe(v.hash);
    },
  );

  it.each(hash.buckets.map((v) => [JSON.stringify(`${v.salt}:${v.unit}`).slice(0, 60), v] as const))(
    'buckets of %s',
    (_label, v) => {
      const text = `${v.salt}:${v.unit}`;
      expect({
        murmur3_seed0: murmur3Utf8(text, 0),
        murmur3_seed86028157: murmur3Utf8(text, 86028157),
        rolloutBucket: rolloutBucket(v.salt, v.unit),
        variantBucket: variantBucket(v.salt, v.unit),
      }).toEqual({
        murmur3_seed0: v.murmur3_seed0,
        murmur3_seed86028157: v.murmur3_seed86028157,
        rolloutBucket: v.rolloutBucket,
        variantBucket: v.variantBucket,
      });
    },
  );
});

describe('spec/evaluation', () => {
  it(`holds at least ${MIN_EVALUATION_CASES} cases`, () => {
    expect(countEvaluationCases(files)).toBeGreaterThanOrEqual(MIN_EVALUATION_CASES);
  });

  for (const file of files) {
    describe(file.file, () => {
      if (file.schemaInvalid) {
        it('is rejected by snapshotSchema, as its schemaInvalid marker says', () => {
          expect(snapshotSchema.safeParse(file.snapshot).success).toBe(false);
        });
      } else {
        it('is a valid snapshot', () => {
          const parsed = snapshotSchema.safeParse(file.snapshot);
          expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
        });
      }

      const compiled = compileSnapshot(file.snapshot);
      it.each(file.cases.map((c) => [c.description, c] as const))('%s', (_description, testCase) => {
        const { flagKey, context, defaultValue, expectedType } = caseArguments(testCase);
        const result = evaluate(compiled, flagKey, context as EvaluationContext, defaultValue, expectedType);
        expect(comparableResult(result)).toStrictEqual(testCase.expected);
        expect(Object.isFrozen(result)).toBe(true);
      });
    });
  }
});
