import { describe, expect, it } from 'vitest';
import { numberOf, readJsonPath } from './json-path.js';
import { singleSample } from './prometheus.js';
import { holds } from './threshold.js';

describe('readJsonPath', () => {
  const document = { error_rate: 0.02, data: { value: '3.5', items: [{ rate: 1 }, { rate: 2 }] }, 'a-b': 7 };
  it.each([
    ['$.error_rate', 0.02],
    ['error_rate', 0.02],
    ['data.value', '3.5'],
    ['$.data.items[1].rate', 2],
    ['data.items.0.rate', 1],
    ['$["a-b"]', 7],
    ['$.missing', undefined],
    ['data.items[5].rate', undefined],
    ['data.value.deeper', undefined],
    ['$.constructor', undefined],
  ])('%s', (path, expected) => {
    expect(readJsonPath(document, path)).toEqual(expected);
  });
  it('refuses paths it cannot read', () => {
    expect(() => readJsonPath(document, '$..x')).toThrow();
    expect(() => readJsonPath(document, 'a[*]')).toThrow();
  });
});

describe('numberOf, holds, singleSample', () => {
  it('reads numbers and numeric strings only', () => {
    expect([1, '2.5', 'NaN', '', null, true, Infinity].map(numberOf)).toEqual([
      1,
      2.5,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
  it('compares with each operator', () => {
    expect([holds(1, '<', 2), holds(2, '<', 2), holds(2, '<=', 2), holds(3, '>', 2), holds(2, '>=', 2)]).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
  });
  it('takes one sample of a scalar or a one-sample vector; anything else says why not', () => {
    expect(singleSample({ resultType: 'scalar', result: [1, '0.5'] })).toEqual({ value: 0.5 });
    expect(singleSample({ resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '2'] }] })).toEqual({
      value: 2,
      labels: { a: 'b' },
    });
    expect(singleSample({ resultType: 'vector', result: [] })).toMatch(/empty vector/);
    expect(
      singleSample({
        resultType: 'vector',
        result: [
          { metric: {}, value: [1, '1'] },
          { metric: {}, value: [1, '2'] },
        ],
      }),
    ).toMatch(/2 samples/);
    expect(singleSample({ resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] })).toMatch(/NaN/);
    expect(singleSample({ resultType: 'matrix', result: [] })).toMatch(/matrix/);
  });
});
