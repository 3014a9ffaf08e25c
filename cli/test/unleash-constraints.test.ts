import { describe, expect, it } from 'vitest';
import { convertConstraint } from '../src/unleash/constraints.js';
import { convertStrategy } from '../src/unleash/strategies.js';

const c = (operator: string, extra: Record<string, unknown> = {}) => ({
  contextName: 'plan',
  operator,
  values: ['a', ' b ', ''],
  ...extra,
});

describe('Unleash constraints as conditions', () => {
  it.each([
    ['IN', {}, { operator: 'in', values: ['a', 'b'] }, false],
    ['NOT_IN', {}, { operator: 'not_in', values: ['a', 'b'] }, true],
    ['IN', { inverted: true }, { operator: 'in', values: ['a', 'b'], negate: true }, true],
    ['NOT_IN', { inverted: true }, { operator: 'not_in', values: ['a', 'b'], negate: true }, false],
    [
      'STR_CONTAINS',
      { caseInsensitive: true },
      { operator: 'contains', values: ['a', 'b'], caseInsensitive: true },
      false,
    ],
    ['STR_STARTS_WITH', { inverted: true }, { operator: 'starts_with', values: ['a', 'b'], negate: true }, true],
    ['NUM_GTE', { value: '4.5' }, { operator: 'num_gte', values: [4.5] }, false],
    ['SEMVER_LT', { value: '2.0.0' }, { operator: 'semver_lt', values: ['2.0.0'] }, false],
    [
      'REGEX',
      { value: '^a+$', caseInsensitive: true },
      { operator: 'regex', values: ['^a+$'], caseInsensitive: true },
      false,
    ],
    ['IN_CIDR', { values: ['10.0.0.0/8'] }, { operator: 'cidr', values: ['10.0.0.0/8'] }, false],
  ])('%s %o', (operator, extra, condition, trueWhenMissing) => {
    expect(convertConstraint(c(operator, extra))).toEqual({
      ok: true,
      value: { condition: { attribute: 'plan', ...condition }, trueWhenMissing },
    });
  });

  it.each([
    ['DATE_AFTER', { contextName: 'currentTime', value: '2024-01-01T00:00:00Z' }, /no implicit clock/],
    ['IN', { contextName: 'appName' }, /SDKs fill it from their configuration/],
    ['NUM_EQ', { value: 'x' }, /not a number/],
    ['STR_MATCHES_SOMEHOW', {}, /unknown constraint operator/],
  ])('refuses %s %o', (operator, extra, why) => {
    const result = convertConstraint(c(operator, extra));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.why).toMatch(why);
  });
});

describe('strategies as rules', () => {
  const base = { serve: { variant: 'on' }, segments: new Map(), segmentKeys: new Map(), ruleId: 's1' };

  it('a constraint true on a missing field splits the rule in two: field absent, or the condition', () => {
    const result = convertStrategy({
      ...base,
      strategy: { name: 'default', constraints: [{ contextName: 'plan', operator: 'NOT_IN', values: ['free'] }] },
    });
    expect(result.ok && result.rules.map((r) => ({ id: r.id, conditions: r.conditions }))).toEqual([
      { id: 's1.1', conditions: [{ attribute: 'plan', operator: 'not_in', values: ['free'] }] },
      { id: 's1.2', conditions: [{ attribute: 'plan', operator: 'exists', values: [], negate: true }] },
    ]);
  });

  it('flexibleRollout with a named stickiness requires the field, even at 100%', () => {
    const result = convertStrategy({
      ...base,
      strategy: { name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'accountId', groupId: 'g' } },
    });
    expect(result.ok && result.rules[0]).toMatchObject({
      conditions: [{ attribute: 'accountId', operator: 'exists', values: [] }],
    });
    expect(result.ok && result.rules[0]!.rollout).toBeUndefined();
  });

  it('a partial rollout names its groupId (the salt it needs); 0% and 100% do not', () => {
    const rollout = (percent: string) =>
      convertStrategy({
        ...base,
        strategy: { name: 'flexibleRollout', parameters: { rollout: percent, groupId: 'g' } },
      });
    expect(rollout('30')).toMatchObject({ ok: true, bucketGroupId: 'g', rules: [{ rollout: { percent: 30 } }] });
    expect(rollout('100')).toMatchObject({ ok: true, bucketGroupId: undefined });
    expect(rollout('0')).toMatchObject({ ok: true, bucketGroupId: undefined, rules: [{ rollout: { percent: 0 } }] });
    expect(rollout('12.5')).toMatchObject({ ok: false });
  });

  it('more than 8 rules from one strategy is refused', () => {
    const constraints = ['a', 'b', 'c', 'd'].map((name) => ({ contextName: name, operator: 'NOT_IN', values: ['x'] }));
    const result = convertStrategy({ ...base, strategy: { name: 'default', constraints } });
    expect(result).toMatchObject({ ok: false, why: [expect.stringMatching(/more than 8 rules/)] });
  });
});
