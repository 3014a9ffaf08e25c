/**
 * findFlag + serveFlag (the hook SDKs with per-flag state use) against evaluate, over every spec
 * vector: the same result object wherever evaluate serves a variant, `undefined` wherever it returns
 * the caller's default.
 */
import { compileSnapshot, evaluate, findFlag, serveFlag } from '@switchyard/core';
import type { EvaluationContext } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { caseArguments, loadEvaluationFiles } from '../../spec/load.mjs';
import { booleanFlag, snapshotOf } from './fixtures.js';

describe('findFlag / serveFlag', () => {
  const cases = loadEvaluationFiles().flatMap((file) => {
    const compiled = compileSnapshot(file.snapshot);
    return file.cases.map((testCase) => [`${file.file}: ${testCase.description}`, compiled, testCase] as const);
  });

  it.each(cases)('%s', (_label, compiled, testCase) => {
    const { flagKey, context, defaultValue, expectedType } = caseArguments(testCase);
    const evaluated = evaluate(compiled, flagKey, context as EvaluationContext, defaultValue, expectedType);
    const flag = findFlag(compiled, flagKey);
    expect(flag === undefined).toBe(evaluated.errorCode === 'FLAG_NOT_FOUND');
    if (flag === undefined) return;
    const served = serveFlag(compiled, flag, context as EvaluationContext, expectedType);
    if (served === undefined) {
      // evaluate's own error result: the caller's default, no variant.
      expect(evaluated).toMatchObject({ value: defaultValue, reason: 'ERROR' });
      expect(evaluated.variant).toBeUndefined();
    } else {
      expect(served).toBe(evaluated);
    }
  });

  it('gives undefined for a type mismatch and accepts a missing context, as evaluate does', () => {
    const compiled = compileSnapshot(snapshotOf([booleanFlag({ key: 'b' })]));
    const flag = findFlag(compiled, 'b')!;
    expect(serveFlag(compiled, flag, {}, 'string')).toBeUndefined();
    expect(serveFlag(compiled, flag, undefined as unknown as EvaluationContext, 'boolean')).toBe(
      evaluate(compiled, 'b', {}, false, 'boolean'),
    );
    expect(findFlag(compiled, 'missing')).toBeUndefined();
  });

  it('never throws: a failure inside evaluation gives undefined', () => {
    const compiled = compileSnapshot(snapshotOf([booleanFlag({ key: 'b' })]));
    const flag = findFlag(compiled, 'b')!;
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    ) as EvaluationContext;
    const withRollout = compileSnapshot(
      snapshotOf([
        booleanFlag({
          key: 'r',
          rules: [{ id: 'x', conditions: [], segments: [], rollout: { percentage: 5000 }, serve: { variant: 'on' } }],
        }),
      ]),
    );
    expect(() => serveFlag(compiled, flag, hostile)).not.toThrow();
    expect(serveFlag(withRollout, findFlag(withRollout, 'r')!, hostile)).toBeUndefined();
    expect(evaluate(withRollout, 'r', hostile, false)).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL' });
  });
});
