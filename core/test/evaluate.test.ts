import { describe, expect, it } from 'vitest';
import { compileSnapshot, evaluate, isEnabled, rolloutBucket, variantBucket, type Flag } from '../src/index.js';
import { booleanFlag, ruleWith, snapshotOf } from './fixtures.js';

const stringFlag = (overrides: Partial<Flag> = {}): Flag => ({
  key: 'color',
  type: 'string',
  variants: [
    { key: 'red', value: 'R' },
    { key: 'green', value: 'G' },
    { key: 'blue', value: 'B' },
  ],
  enabled: true,
  offVariant: 'red',
  defaultServe: { variant: 'green' },
  rules: [],
  prerequisites: [],
  version: 3,
  ...overrides,
});

/** A unit whose rollout bucket for `salt` satisfies `accept`. */
function unitWhere(salt: string, accept: (bucket: number) => boolean): string {
  for (let i = 0; ; i++) if (accept(rolloutBucket(salt, `u${i}`))) return `u${i}`;
}

describe('evaluate: errors', () => {
  const compiled = compileSnapshot(snapshotOf([stringFlag()]));

  it('returns the default with FLAG_NOT_FOUND for an unknown flag', () => {
    expect(evaluate(compiled, 'nope', {}, 'dflt')).toMatchObject({
      value: 'dflt',
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('returns the default with TYPE_MISMATCH when the expected type differs', () => {
    const result = evaluate(compiled, 'color', {}, 7, 'number');
    expect(result).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(result.variant).toBeUndefined();
    expect(evaluate(compiled, 'color', {}, 'x', 'string')).toEqual({ value: 'G', variant: 'green', reason: 'STATIC' });
  });

  it('returns the default with GENERAL when a served variant does not exist', () => {
    const broken = compileSnapshot(snapshotOf([stringFlag({ defaultServe: { variant: 'purple' } })]));
    expect(evaluate(broken, 'color', {}, 'd')).toMatchObject({ value: 'd', reason: 'ERROR', errorCode: 'GENERAL' });
  });

  it('never throws, even for garbage input', () => {
    expect(evaluate(null as never, 'x', {}, 1)).toMatchObject({ value: 1, errorCode: 'GENERAL' });
    expect(evaluate(compiled, 'color', null as never, 'd')).toMatchObject({ value: 'G' });
    const weird = compileSnapshot({ flags: [{ key: 'w', type: 'string', rules: 5 }] } as never);
    expect(evaluate(weird, 'w', {}, 'd')).toMatchObject({ value: 'd', reason: 'ERROR' });
    expect(compileSnapshot(undefined as never).flagKeys()).toEqual([]);
  });
});

describe('evaluate: serving', () => {
  it('serves the off variant with DISABLED when the flag is off', () => {
    const compiled = compileSnapshot(snapshotOf([stringFlag({ enabled: false, rules: [ruleWith([])] })]));
    expect(evaluate(compiled, 'color', {}, null)).toEqual({ value: 'R', variant: 'red', reason: 'DISABLED' });
  });

  it('reports STATIC without rules and DEFAULT when rules exist but none matches', () => {
    const miss = ruleWith([{ attribute: 'plan', operator: 'in', values: ['pro'] }]);
    expect(evaluate(compileSnapshot(snapshotOf([stringFlag()])), 'color', {}, null).reason).toBe('STATIC');
    const compiled = compileSnapshot(snapshotOf([stringFlag({ rules: [{ ...miss, serve: { variant: 'blue' } }] })]));
    expect(evaluate(compiled, 'color', { plan: 'free' }, null)).toEqual({
      value: 'G',
      variant: 'green',
      reason: 'DEFAULT',
    });
    expect(evaluate(compiled, 'color', { plan: 'pro' }, null)).toEqual({
      value: 'B',
      variant: 'blue',
      reason: 'TARGETING_MATCH',
      ruleId: 'r1',
    });
  });

  it('takes the first matching rule in order; a rule without conditions matches everyone', () => {
    const compiled = compileSnapshot(
      snapshotOf([
        stringFlag({
          rules: [
            {
              id: 'a',
              conditions: [{ attribute: 'x', operator: 'exists', values: [] }],
              segments: [],
              serve: { variant: 'blue' },
            },
            { id: 'b', conditions: [], segments: [], serve: { variant: 'red' } },
          ],
        }),
      ]),
    );
    expect(evaluate(compiled, 'color', { x: 1 }, null).ruleId).toBe('a');
    expect(evaluate(compiled, 'color', {}, null).ruleId).toBe('b');
  });

  it('requires all conditions and all segments; a missing segment never matches', () => {
    const flag = stringFlag({
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: 'country', operator: 'in', values: ['FR'] }],
          segments: ['beta', 'staff'],
          serve: { variant: 'blue' },
        },
      ],
    });
    const segments = [
      { key: 'beta', conditions: [{ attribute: 'beta', operator: 'in' as const, values: [true] }] },
      { key: 'staff', conditions: [] },
    ];
    const compiled = compileSnapshot(snapshotOf([flag], segments));
    expect(evaluate(compiled, 'color', { country: 'FR', beta: true }, null).variant).toBe('blue');
    expect(evaluate(compiled, 'color', { country: 'FR', beta: false }, null).variant).toBe('green');
    expect(evaluate(compiled, 'color', { country: 'DE', beta: true }, null).variant).toBe('green');
    const withoutStaff = compileSnapshot(snapshotOf([flag], segments.slice(0, 1)));
    expect(evaluate(withoutStaff, 'color', { country: 'FR', beta: true }, null).variant).toBe('green');
  });

  it('applies a rule rollout with the flag salt and goes on to the next rule when excluded', () => {
    const flag = stringFlag({
      salt: 's1',
      rules: [
        { id: 'roll', conditions: [], segments: [], rollout: { percentage: 3000 }, serve: { variant: 'blue' } },
        { id: 'rest', conditions: [], segments: [], serve: { variant: 'red' } },
      ],
    });
    const compiled = compileSnapshot(snapshotOf([flag]));
    const inside = unitWhere('s1', (b) => b < 3000);
    const outside = unitWhere('s1', (b) => b >= 3000);
    expect(evaluate(compiled, 'color', { userId: inside }, null).ruleId).toBe('roll');
    expect(evaluate(compiled, 'color', { userId: outside }, null).ruleId).toBe('rest');
  });

  it('uses userId, then sessionId, or the configured stickiness; absent units skip partial rollouts', () => {
    const rule = (stickiness?: string) =>
      booleanFlag({
        rules: [ruleWith([], { rollout: stickiness ? { percentage: 9999, stickiness } : { percentage: 9999 } })],
      });
    const compiled = compileSnapshot(snapshotOf([rule(), { ...rule('orgId'), key: 'org' }]));
    const inside = unitWhere('flag', (b) => b < 9999);
    expect(isEnabled(compiled, 'flag', { userId: inside })).toBe(true);
    expect(isEnabled(compiled, 'flag', { sessionId: inside })).toBe(true);
    expect(isEnabled(compiled, 'flag', { userId: '', sessionId: inside })).toBe(true);
    expect(isEnabled(compiled, 'flag', {})).toBe(false);
    expect(isEnabled(compiled, 'flag', { userId: ['a'] as never })).toBe(false);
    const orgInside = unitWhere('org', (b) => b < 9999);
    expect(isEnabled(compiled, 'org', { orgId: orgInside })).toBe(true);
    expect(isEnabled(compiled, 'org', { userId: orgInside })).toBe(false);
  });

  it('formats number and boolean units as String(n) / true / false', () => {
    const compiled = compileSnapshot(
      snapshotOf([booleanFlag({ rules: [ruleWith([], { rollout: { percentage: 5000 } })] })]),
    );
    for (const value of [42, 1.5, -3, 1e21, true, false]) {
      expect(isEnabled(compiled, 'flag', { userId: value })).toBe(rolloutBucket('flag', String(value)) < 5000);
    }
  });

  it('a 0% rollout includes nobody and a 100% rollout everybody, absent units included', () => {
    const make = (percentage: number) => booleanFlag({ rules: [ruleWith([], { rollout: { percentage } })] });
    const none = compileSnapshot(snapshotOf([make(0)]));
    const all = compileSnapshot(snapshotOf([make(10000)]));
    for (let i = 0; i < 200; i++) expect(isEnabled(none, 'flag', { userId: `u${i}` })).toBe(false);
    expect(isEnabled(all, 'flag', {})).toBe(true);
  });

  it('splits by variant bucket, with SPLIT and the rule id', () => {
    const flag = stringFlag({
      rules: [
        {
          id: 'exp',
          conditions: [],
          segments: [],
          serve: {
            split: [
              { variant: 'red', weight: 2500 },
              { variant: 'blue', weight: 7500 },
            ],
          },
        },
      ],
    });
    const compiled = compileSnapshot(snapshotOf([flag]));
    for (let i = 0; i < 100; i++) {
      const result = evaluate(compiled, 'color', { userId: `u${i}` }, null);
      const expected = variantBucket('color', `u${i}`) < 2500 ? 'red' : 'blue';
      expect(result).toEqual({
        value: expected === 'red' ? 'R' : 'B',
        variant: expected,
        reason: 'SPLIT',
        ruleId: 'exp',
      });
    }
  });

  it('serves an absent unit the first variant with weight > 0, and a fallthrough split without ruleId', () => {
    const flag = stringFlag({
      defaultServe: {
        split: [
          { variant: 'red', weight: 0 },
          { variant: 'blue', weight: 4000 },
          { variant: 'green', weight: 6000 },
        ],
        stickiness: 'deviceId',
      },
    });
    const compiled = compileSnapshot(snapshotOf([flag]));
    expect(evaluate(compiled, 'color', { userId: 'has-user-but-not-device' }, null)).toEqual({
      value: 'B',
      variant: 'blue',
      reason: 'SPLIT',
    });
    const counts = { red: 0, blue: 0, green: 0 };
    for (let i = 0; i < 2000; i++) counts[evaluate(compiled, 'color', { deviceId: i }, null).variant as 'red']++;
    expect(counts.red).toBe(0);
    expect(counts.blue).toBeGreaterThan(600);
    expect(counts.green).toBeGreaterThan(1000);
  });

  it('returns frozen results with deep-frozen values, leaving the snapshot untouched', () => {
    const json: Flag = {
      ...stringFlag(),
      type: 'json',
      variants: [
        { key: 'red', value: { nested: { a: [1] } } },
        { key: 'green', value: [1, 2] },
      ],
    };
    const compiled = compileSnapshot(snapshotOf([json]));
    const result = evaluate(compiled, 'color', {}, null);
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(Object.isFrozen(json.variants[1]!.value)).toBe(false);
    expect(evaluate(compiled, 'color', {}, null)).toBe(result);
    expect(Object.isFrozen(evaluate(compiled, 'missing', {}, { a: 1 }))).toBe(true);
  });
});

describe('evaluate: prerequisites', () => {
  const parent = booleanFlag({ key: 'parent', defaultServe: { variant: 'on' } });
  const child = (overrides: Partial<Flag> = {}) =>
    stringFlag({ key: 'child', prerequisites: [{ flagKey: 'parent', variants: ['on'] }], ...overrides });

  it('evaluates the child when the parent serves an allowed variant', () => {
    const compiled = compileSnapshot(snapshotOf([parent, child()]));
    expect(evaluate(compiled, 'child', {}, null)).toEqual({ value: 'G', variant: 'green', reason: 'STATIC' });
  });

  it('serves the off variant with PREREQUISITE_FAILED when the parent serves another variant', () => {
    const compiled = compileSnapshot(snapshotOf([{ ...parent, defaultServe: { variant: 'off' } }, child()]));
    expect(evaluate(compiled, 'child', {}, null)).toEqual({
      value: 'R',
      variant: 'red',
      reason: 'PREREQUISITE_FAILED',
    });
  });

  it('lets a disabled parent pass when its off variant is listed', () => {
    const off = { ...parent, enabled: false };
    const allowOff = child({ prerequisites: [{ flagKey: 'parent', variants: ['off'] }] });
    expect(evaluate(compileSnapshot(snapshotOf([off, allowOff])), 'child', {}, null).reason).toBe('STATIC');
    expect(evaluate(compileSnapshot(snapshotOf([off, child()])), 'child', {}, null).reason).toBe('PREREQUISITE_FAILED');
  });

  it('serves the off variant with ERROR/GENERAL for a missing parent or a parent in error', () => {
    expect(evaluate(compileSnapshot(snapshotOf([child()])), 'child', {}, null)).toMatchObject({
      value: 'R',
      variant: 'red',
      reason: 'ERROR',
      errorCode: 'GENERAL',
    });
    const brokenParent = { ...parent, defaultServe: { variant: 'nope' } };
    expect(evaluate(compileSnapshot(snapshotOf([brokenParent, child()])), 'child', {}, null)).toMatchObject({
      variant: 'red',
      reason: 'ERROR',
    });
  });

  it('reports a cycle as ERROR/GENERAL on every flag of the chain', () => {
    const a = booleanFlag({
      key: 'a',
      defaultServe: { variant: 'on' },
      prerequisites: [{ flagKey: 'b', variants: ['on'] }],
    });
    const b = booleanFlag({
      key: 'b',
      defaultServe: { variant: 'on' },
      prerequisites: [{ flagKey: 'c', variants: ['on'] }],
    });
    const c = booleanFlag({
      key: 'c',
      defaultServe: { variant: 'on' },
      prerequisites: [{ flagKey: 'a', variants: ['on'] }],
    });
    const self = booleanFlag({ key: 's', prerequisites: [{ flagKey: 's', variants: ['on'] }] });
    const compiled = compileSnapshot(snapshotOf([a, b, c, self]));
    for (const key of ['a', 'b', 'c', 's']) {
      expect(evaluate(compiled, key, {}, null)).toMatchObject({
        value: false,
        variant: 'off',
        reason: 'ERROR',
        errorCode: 'GENERAL',
      });
    }
  });

  it('checks prerequisites in order and stops at the first failure', () => {
    const failing = booleanFlag({ key: 'failing' });
    const cyclic = booleanFlag({
      key: 'x',
      prerequisites: [
        { flagKey: 'failing', variants: ['on'] },
        { flagKey: 'x', variants: ['on'] },
      ],
    });
    expect(evaluate(compileSnapshot(snapshotOf([failing, cyclic])), 'x', {}, null).reason).toBe('PREREQUISITE_FAILED');
  });

  it('follows chains far deeper than the call stack allows', () => {
    const depth = 20_000;
    const flags: Flag[] = [];
    for (let i = 0; i < depth; i++) {
      flags.push(
        booleanFlag({
          key: `f${i}`,
          defaultServe: { variant: 'on' },
          prerequisites: i + 1 < depth ? [{ flagKey: `f${i + 1}`, variants: ['on'] }] : [],
        }),
      );
    }
    const compiled = compileSnapshot(snapshotOf(flags));
    expect(evaluate(compiled, 'f0', {}, null)).toEqual({ value: true, variant: 'on', reason: 'STATIC' });
    flags[depth - 1] = { ...flags[depth - 1]!, enabled: false };
    expect(evaluate(compileSnapshot(snapshotOf(flags)), 'f0', {}, null).reason).toBe('PREREQUISITE_FAILED');
  }, 60_000);
});

describe('isEnabled', () => {
  it('returns the boolean served, or the default for unknown, non-boolean or erroring flags', () => {
    const compiled = compileSnapshot(
      snapshotOf([
        booleanFlag({ key: 'yes', defaultServe: { variant: 'on' } }),
        booleanFlag({ key: 'no' }),
        booleanFlag({ key: 'broken', defaultServe: { variant: 'gone' } }),
        stringFlag(),
      ]),
    );
    expect(isEnabled(compiled, 'yes', {})).toBe(true);
    expect(isEnabled(compiled, 'no', {}, true)).toBe(false);
    expect(isEnabled(compiled, 'missing', {})).toBe(false);
    expect(isEnabled(compiled, 'missing', {}, true)).toBe(true);
    expect(isEnabled(compiled, 'broken', {}, true)).toBe(true);
    expect(isEnabled(compiled, 'color', {}, true)).toBe(true);
    expect(isEnabled(undefined as never, 'yes', {}, true)).toBe(true);
  });
});

describe('CompiledSnapshot', () => {
  it('exposes the snapshot, revision and flag keys', () => {
    const snapshot = snapshotOf([booleanFlag({ key: 'a' }), booleanFlag({ key: 'b' })], [], 42);
    const compiled = compileSnapshot(snapshot);
    expect(compiled.snapshot).toBe(snapshot);
    expect(compiled.revision).toBe(42);
    expect(compiled.flagKeys().includes('a')).toBe(true);
    expect(compiled.flagKeys().includes('z')).toBe(false);
    expect(compiled.flagKeys()).toEqual(['a', 'b']);
  });
});
