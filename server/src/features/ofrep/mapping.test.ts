import { compileSnapshot, type EvaluationResult, type Flag, type Snapshot } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { ofrepRequestSchema, toEvaluationContext } from './context.js';
import { evaluateAll, evaluateOne, ofrepStatus, toOfrepEvaluation, type OfrepEvaluation } from './mapping.js';
import { booleanFlag } from '../../../../core/test/fixtures.js';

const bool = (key: string, config: Partial<Flag>): Flag => booleanFlag({ key, ...config });

const snapshot: Snapshot = {
  schemaVersion: 1,
  projectKey: 'p',
  environmentKey: 'e',
  revision: 7,
  segments: [],
  flags: [
    bool('static-on', { defaultServe: { variant: 'on' } }),
    bool('targeted', {
      rules: [
        {
          id: 'norway',
          conditions: [{ attribute: 'country', operator: 'in', values: ['NO'] }],
          segments: [],
          serve: { variant: 'on' },
        },
      ],
    }),
    bool('killed', { enabled: false, defaultServe: { variant: 'on' } }),
    bool('split', { defaultServe: { split: [{ variant: 'on', weight: 10_000 }] } }),
    bool('by-user', {
      rules: [
        {
          id: 'u42',
          conditions: [{ attribute: 'userId', operator: 'in', values: ['u-42'] }],
          segments: [],
          serve: { variant: 'on' },
        },
      ],
    }),
    bool('child', { defaultServe: { variant: 'on' }, prerequisites: [{ flagKey: 'missing', variants: ['on'] }] }),
    bool('gated', { defaultServe: { variant: 'on' }, prerequisites: [{ flagKey: 'killed', variants: ['on'] }] }),
  ],
};
const compiled = compileSnapshot(snapshot);

describe('toOfrepEvaluation: core result → OFREP answer (table)', () => {
  const cases: [string, EvaluationResult<unknown>, OfrepEvaluation, number][] = [
    [
      'STATIC success without a rule',
      { value: true, variant: 'on', reason: 'STATIC' },
      { key: 'f', value: true, variant: 'on', reason: 'STATIC' },
      200,
    ],
    [
      'TARGETING_MATCH carries the rule as metadata.ruleId',
      { value: 'blue', variant: 'b', reason: 'TARGETING_MATCH', ruleId: 'r1' },
      { key: 'f', value: 'blue', variant: 'b', reason: 'TARGETING_MATCH', metadata: { ruleId: 'r1' } },
      200,
    ],
    [
      'SPLIT with an object value',
      { value: { a: 1 }, variant: 'x', reason: 'SPLIT' },
      { key: 'f', value: { a: 1 }, variant: 'x', reason: 'SPLIT' },
      200,
    ],
    [
      'DISABLED serves the off variant',
      { value: false, variant: 'off', reason: 'DISABLED' },
      { key: 'f', value: false, variant: 'off', reason: 'DISABLED' },
      200,
    ],
    [
      'DEFAULT and PREREQUISITE_FAILED pass through (OpenFeature allows other reasons)',
      { value: 0, variant: 'zero', reason: 'PREREQUISITE_FAILED' },
      { key: 'f', value: 0, variant: 'zero', reason: 'PREREQUISITE_FAILED' },
      200,
    ],
    [
      'FLAG_NOT_FOUND is a 404 failure',
      { value: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: 'flag "f" not found' },
      { key: 'f', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "f" not found' },
      404,
    ],
    [
      'an ERROR with a value (broken prerequisite) is still a failure: the caller keeps its default',
      { value: false, variant: 'off', reason: 'ERROR', errorCode: 'GENERAL', errorMessage: 'cycle' },
      { key: 'f', errorCode: 'GENERAL', errorDetails: 'cycle' },
      400,
    ],
    [
      'PARSE_ERROR passes through',
      { value: null, reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: 'bad' },
      { key: 'f', errorCode: 'PARSE_ERROR', errorDetails: 'bad' },
      400,
    ],
    [
      'TYPE_MISMATCH (never asked for) would be GENERAL, and a missing message is the code',
      { value: null, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' },
      { key: 'f', errorCode: 'GENERAL', errorDetails: 'GENERAL' },
      400,
    ],
  ];
  it.each(cases)('%s', (_name, result, expected, status) => {
    const evaluation = toOfrepEvaluation('f', result);
    expect(evaluation).toStrictEqual(expected);
    expect(ofrepStatus(evaluation)).toBe(status);
  });
});

describe('evaluateOne / evaluateAll against a compiled snapshot', () => {
  it.each([
    ['static-on', {}, { key: 'static-on', value: true, variant: 'on', reason: 'STATIC' }],
    [
      'targeted',
      { country: 'NO' },
      { key: 'targeted', value: true, variant: 'on', reason: 'TARGETING_MATCH', metadata: { ruleId: 'norway' } },
    ],
    ['targeted', { country: 'SE' }, { key: 'targeted', value: false, variant: 'off', reason: 'DEFAULT' }],
    ['killed', {}, { key: 'killed', value: false, variant: 'off', reason: 'DISABLED' }],
    ['split', { userId: 'x' }, { key: 'split', value: true, variant: 'on', reason: 'SPLIT' }],
    ['gated', {}, { key: 'gated', value: false, variant: 'off', reason: 'PREREQUISITE_FAILED' }],
    ['child', {}, { key: 'child', errorCode: 'GENERAL', errorDetails: expect.any(String) }],
    ['nope', {}, { key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "nope" not found' }],
  ] as const)('%s with %j', (key, context, expected) => {
    expect(evaluateOne(compiled, key, context)).toStrictEqual(expected);
  });

  it('evaluates every listed flag, in order', () => {
    const keys = snapshot.flags.map((flag) => flag.key);
    expect(evaluateAll(compiled, keys, {}).map((item) => item.key)).toEqual(keys);
  });
});

describe('OFREP context → Switchyard context', () => {
  const parse = (body: unknown) => {
    const parsed = ofrepRequestSchema.safeParse(body);
    return parsed.success ? toEvaluationContext(parsed.data) : 'INVALID_CONTEXT';
  };

  it.each([
    ['no body', undefined, {}],
    ['no context', {}, {}],
    ['a null context', { context: null }, {}],
    ['targetingKey becomes userId', { context: { targetingKey: 'u-1', plan: 'pro' } }, { userId: 'u-1', plan: 'pro' }],
    ['an explicit userId wins over targetingKey', { context: { targetingKey: 't', userId: 'u' } }, { userId: 'u' }],
    ['null attributes are absent', { context: { country: null, n: 3, b: false } }, { n: 3, b: false }],
    ['string lists stay', { context: { roles: ['a', 'b'] } }, { roles: ['a', 'b'] }],
    ['unknown top-level fields are ignored', { context: { a: 'x' }, extra: 1 }, { a: 'x' }],
    ['a context that is an array', { context: ['a'] }, 'INVALID_CONTEXT'],
    ['a context that is a string', { context: 'user-1' }, 'INVALID_CONTEXT'],
    ['a nested object', { context: { user: { id: 1 } } }, 'INVALID_CONTEXT'],
    ['a list of numbers', { context: { ids: [1, 2] } }, 'INVALID_CONTEXT'],
    ['a numeric targetingKey', { context: { targetingKey: 42 } }, 'INVALID_CONTEXT'],
    ['a body that is a list', [], 'INVALID_CONTEXT'],
  ] as const)('%s', (_name, body, expected) => {
    expect(parse(body)).toStrictEqual(expected);
  });
});
