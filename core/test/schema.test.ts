import { describe, expect, it } from 'vitest';
import type { Condition, Flag } from '../src/index.js';
import {
  conditionSchema,
  flagSchema,
  regexPatternProblem,
  regexPatternProblemAsync,
  segmentSchema,
  serveSchema,
  snapshotPatchSchema,
  snapshotSchema,
  variantSchema,
} from '../src/schema/index.js';
import { booleanFlag, ruleWith, snapshotOf } from './fixtures.js';

/** The messages of a failed parse, so a test can check the failure is the intended one. */
function issues(
  schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  value: unknown,
): string {
  const result = schema.safeParse(value);
  return result.success ? '' : result.error!.issues.map((issue) => issue.message).join('; ');
}

describe('flagSchema', () => {
  it('accepts a complete flag', () => {
    const flag = booleanFlag({
      salt: 'x',
      clientSide: true,
      rules: [
        ruleWith([{ attribute: 'country', operator: 'in', values: ['FR'] }], { rollout: { percentage: 2500 } }),
        {
          id: 'r2',
          conditions: [],
          segments: [],
          serve: {
            split: [
              { variant: 'on', weight: 5000 },
              { variant: 'off', weight: 5000 },
            ],
            stickiness: 'orgId',
          },
        },
      ],
      prerequisites: [{ flagKey: 'other', variants: ['on'] }],
    });
    expect(flagSchema.parse(flag)).toEqual(flag);
  });

  it.each<[string, Partial<Flag>, RegExp]>([
    [
      'duplicate variant keys',
      {
        variants: [
          { key: 'on', value: true },
          { key: 'on', value: false },
          { key: 'off', value: false },
        ],
      },
      /duplicate variant key "on"/,
    ],
    ['unknown off variant', { offVariant: 'nope' }, /unknown variant "nope"/],
    ['unknown default variant', { defaultServe: { variant: 'nope' } }, /unknown variant "nope"/],
    ['unknown rule variant', { rules: [ruleWith([], { serve: { variant: 'nope' } })] }, /unknown variant "nope"/],
    [
      'unknown split variant',
      {
        defaultServe: {
          split: [
            { variant: 'on', weight: 5000 },
            { variant: 'x', weight: 5000 },
          ],
        },
      },
      /unknown variant "x"/,
    ],
    [
      'weights not summing to 10000',
      {
        defaultServe: {
          split: [
            { variant: 'on', weight: 5000 },
            { variant: 'off', weight: 4000 },
          ],
        },
      },
      /sum to 9000/,
    ],
    [
      'non-integer weight',
      {
        defaultServe: {
          split: [
            { variant: 'on', weight: 5000.5 },
            { variant: 'off', weight: 4999.5 },
          ],
        },
      },
      /integer/i,
    ],
    ['rollout above 10000', { rules: [ruleWith([], { rollout: { percentage: 10001 } })] }, /10000/],
    ['negative rollout', { rules: [ruleWith([], { rollout: { percentage: -1 } })] }, /0/],
    ['fractional rollout', { rules: [ruleWith([], { rollout: { percentage: 12.5 } })] }, /integer/i],
    ['duplicate rule ids', { rules: [ruleWith([]), ruleWith([])] }, /duplicate rule id "r1"/],
    [
      'value of the wrong type',
      {
        variants: [
          { key: 'on', value: 'yes' },
          { key: 'off', value: false },
        ],
      },
      /not a boolean/,
    ],
    ['serve with both variant and split', { defaultServe: { variant: 'on', split: [] } as never }, /./],
  ])('rejects %s', (_name, overrides, message) => {
    expect(issues(flagSchema, booleanFlag(overrides))).toMatch(message);
  });

  it('checks variant values against number, string and json types', () => {
    const numberFlag = booleanFlag({
      type: 'number',
      variants: [
        { key: 'on', value: 1 },
        { key: 'off', value: 0 },
      ],
    });
    expect(flagSchema.safeParse(numberFlag).success).toBe(true);
    expect(
      issues(flagSchema, {
        ...numberFlag,
        variants: [
          { key: 'on', value: '1' },
          { key: 'off', value: 0 },
        ],
      }),
    ).toMatch(/not a number/);
    const jsonFlag = booleanFlag({
      type: 'json',
      variants: [
        { key: 'on', value: { a: [1, null] } },
        { key: 'off', value: null },
      ],
    });
    expect(flagSchema.safeParse(jsonFlag).success).toBe(true);
    expect(flagSchema.safeParse(booleanFlag({ type: 'string' })).success).toBe(false);
  });
});

describe('conditionSchema', () => {
  const condition = (operator: Condition['operator'], values: Condition['values']): Condition => ({
    attribute: 'a',
    operator,
    values,
  });

  it.each<[Condition['operator'], Condition['values']]>([
    ['in', ['a', 1, true]],
    ['contains', ['x']],
    ['regex', ['^[a-z]+@acme\\.com$', '(foo|bar)baz', 'a+b*']],
    ['num_gte', [1, 2.5]],
    ['date_before', ['2024-01-01', '2024-01-01T10:00:00.5+02:00', 1700000000000]],
    ['semver_gte', ['1.2.3', '1.0.0-rc.1+build']],
    ['cidr', ['10.0.0.0/8', '::1', '2001:db8::/32', '::ffff:1.2.3.4/128']],
    ['exists', []],
  ])('accepts %s %j', (operator, values) => {
    expect(conditionSchema.safeParse(condition(operator, values)).success).toBe(true);
  });

  it.each<[Condition['operator'], Condition['values'], RegExp]>([
    ['contains', [1], /string values/],
    ['num_eq', ['5'], /number values/],
    ['date_after', ['2024-01-01T10:00'], /ISO-8601/],
    ['date_after', ['yesterday'], /ISO-8601/],
    ['semver_eq', ['v1.2.3'], /semver/],
    ['semver_eq', ['1.2'], /semver/],
    ['cidr', ['10.0.0.0/33'], /cidr/],
    ['cidr', ['fe80::1%eth0'], /cidr/],
    ['regex', ['('], /not a valid regular expression/],
    ['regex', ['(a)\\1'], /back-reference/],
    ['regex', ['(?<n>a)\\k<n>'], /named group/],
    ['regex', ['a(?=b)'], /look-around/],
    ['regex', ['a(?!b)'], /look-around/],
    ['regex', ['(?<=a)b'], /look-around/],
    ['regex', ['(?<!a)b'], /look-around/],
  ])('rejects %s %j', (operator, values, message) => {
    expect(issues(conditionSchema, condition(operator, values))).toMatch(message);
  });

  it('leaves the backtracking analysis to regexPatternProblemAsync (it takes milliseconds and can time out)', async () => {
    expect(conditionSchema.safeParse(condition('regex', ['(a+)+$'])).success).toBe(true);
    expect(await regexPatternProblemAsync('(a+)+$')).toMatch(/backtrack/);
    expect(await regexPatternProblemAsync('(a|aa)*x')).toMatch(/exponential time in backtracking/);
  });

  it('rejects unknown operators and empty attributes', () => {
    expect(conditionSchema.safeParse({ attribute: 'a', operator: 'like', values: [] }).success).toBe(false);
    expect(conditionSchema.safeParse({ attribute: '', operator: 'in', values: [] }).success).toBe(false);
  });
});

describe('regexPatternProblem', () => {
  it('does not mistake escapes or classes for back-references or look-around', () => {
    expect(regexPatternProblem('[(?=]')).toBeUndefined();
    expect(regexPatternProblem('\\(\\?=x\\)')).toBeUndefined();
    expect(regexPatternProblem('\\d{3}-\\d{4}')).toBeUndefined();
    expect(regexPatternProblem('(?:ab)+')).toBeUndefined();
  });
});

describe('variantSchema, serveSchema, segmentSchema', () => {
  it('validates the pieces on their own', () => {
    expect(variantSchema.safeParse({ key: 'a', value: { x: [1] }, name: 'A' }).success).toBe(true);
    expect(variantSchema.safeParse({ key: '', value: 1 }).success).toBe(false);
    expect(serveSchema.safeParse({ split: [{ variant: 'a', weight: 10000 }] }).success).toBe(true);
    expect(
      serveSchema.safeParse({
        split: [
          { variant: 'a', weight: 5000 },
          { variant: 'a', weight: 5000 },
        ],
      }).success,
    ).toBe(false);
    expect(serveSchema.safeParse({ split: [] }).success).toBe(false);
    expect(
      segmentSchema.safeParse({ key: 's', conditions: [{ attribute: 'a', operator: 'exists', values: [] }] }).success,
    ).toBe(true);
  });
});

describe('snapshotSchema', () => {
  it('accepts a consistent snapshot', () => {
    const snapshot = snapshotOf(
      [booleanFlag({ rules: [ruleWith([], { segments: ['s'] })] })],
      [{ key: 's', conditions: [] }],
    );
    expect(snapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it('rejects unresolved segment references, duplicate keys and other schema versions', () => {
    expect(issues(snapshotSchema, snapshotOf([booleanFlag({ rules: [ruleWith([], { segments: ['s'] })] })]))).toMatch(
      /unknown segment "s"/,
    );
    expect(issues(snapshotSchema, snapshotOf([booleanFlag(), booleanFlag()]))).toMatch(/duplicate flag key "flag"/);
    expect(
      issues(
        snapshotSchema,
        snapshotOf(
          [],
          [
            { key: 's', conditions: [] },
            { key: 's', conditions: [] },
          ],
        ),
      ),
    ).toMatch(/duplicate segment key "s"/);
    expect(snapshotSchema.safeParse({ ...snapshotOf([]), schemaVersion: 2 }).success).toBe(false);
    expect(snapshotSchema.safeParse({ ...snapshotOf([]), revision: -1 }).success).toBe(false);
  });
});

describe('snapshotPatchSchema', () => {
  it('accepts a patch whose segment references point into the base snapshot', () => {
    const patch = {
      schemaVersion: 1,
      revision: 3,
      flags: [booleanFlag({ rules: [ruleWith([], { segments: ['elsewhere'] })] })],
      deletedFlags: ['old'],
      segments: [],
      deletedSegments: [],
    };
    expect(snapshotPatchSchema.parse(patch)).toEqual(patch);
    expect(snapshotPatchSchema.safeParse({ ...patch, deletedFlags: [1] }).success).toBe(false);
  });
});
