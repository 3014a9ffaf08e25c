import { describe, expect, it } from 'vitest';
import { jsonDiff } from '../src/pages/audit/json-diff.js';
import { conditionProblem, emptyCondition, ruleOf, type ConditionDraft } from '../src/pages/flags/rules/rule-draft.js';
import { describeConfigChanges } from '../src/pages/flags/rules/review-diff.js';

/** The editors' pure parts, in Node: condition checks (core's schema), the review lines, the audit diff. */
const draft = (patch: Partial<ConditionDraft>): ConditionDraft => ({ ...emptyCondition(), attribute: 'a', ...patch });

describe('conditions are checked with core’s schema, typed per operator', () => {
  it.each([
    ['in', 'DE\nFR', null],
    ['num_gt', '12.5', null],
    ['num_gt', 'twelve', 'num_gt takes number values'],
    ['date_before', '2026-12-31', null],
    ['date_before', '1767139200000', null],
    ['date_before', '31/12/2026', 'ISO-8601'],
    ['semver_gte', '1.2.0', null],
    ['semver_gte', '1.2', 'strict semver'],
    ['cidr', '10.0.0.0/8\n2001:db8::/32', null],
    ['cidr', '10.0.0.0/33', 'cidr takes'],
    ['regex', '^[a-z]+@example\\.com$', null],
    ['regex', '(a', 'not a valid regular expression'],
    ['regex', '(?<=a)b', 'pattern'],
    ['exists', '', null],
    ['contains', '', 'at least one value'],
  ] as const)('%s %j → %s', (operator, values, problem) => {
    const found = conditionProblem(draft({ operator, values }));
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it('needs an attribute, and a rule needs an id and a known variant', () => {
    expect(conditionProblem(draft({ attribute: ' ', values: 'x' }))).toContain('attribute');
    const rule = {
      id: 'r',
      description: '',
      conditions: [draft({ values: 'x' })],
      segments: [],
      variant: 'on',
      base: null,
    };
    expect(ruleOf(rule, ['on', 'off'])).toEqual({
      rule: {
        id: 'r',
        conditions: [{ attribute: 'a', operator: 'in', values: ['x'] }],
        segments: [],
        serve: { variant: 'on' },
      },
    });
    expect(ruleOf({ ...rule, id: '' }, ['on'])).toEqual({ problem: 'A rule needs an id.' });
    expect(ruleOf({ ...rule, variant: 'gone' }, ['on'])).toEqual({ problem: 'Rule r: unknown variant gone.' });
  });
});

describe('the review lists what changed, per environment', () => {
  const rule = (id: string, extra: object = {}) => ({
    id,
    conditions: [],
    segments: [],
    serve: { variant: 'on' },
    ...extra,
  });
  it('names added, changed, removed and reordered rules and prerequisites', () => {
    const before = {
      rules: [rule('a'), rule('b'), rule('c')],
      prerequisites: [{ flagKey: 'p', variants: ['on'] }],
    };
    const after = {
      rules: [rule('c'), rule('a', { segments: ['staff'] }), rule('d')],
      prerequisites: [
        { flagKey: 'p', variants: ['on', 'off'] },
        { flagKey: 'q', variants: ['on'] },
      ],
    };
    expect(describeConfigChanges('production', before, after)).toEqual([
      'production: rule 2 (a): segments changed',
      'production: rule 3 (d) added',
      'production: rule b removed',
      'production: rules reordered',
      'production: prerequisite p: variants on, off',
      'production: prerequisite q (on) added',
    ]);
    expect(describeConfigChanges('staging', before, before)).toEqual([]);
    expect(describeConfigChanges('staging', { ...before, enabled: true }, { ...before, enabled: false })).toEqual([
      'staging: turned off',
    ]);
  });
});

describe('the audit diff compares leaves', () => {
  it('lists changed, added and removed paths', () => {
    expect(
      jsonDiff(
        { enabled: true, rules: [{ id: 'a', rollout: { percentage: 10 } }], gone: 1 },
        { enabled: false, rules: [{ id: 'a', rollout: { percentage: 50 } }, { id: 'b' }] },
      ),
    ).toEqual([
      { path: 'enabled', before: 'true', after: 'false' },
      { path: 'rules[0].rollout.percentage', before: '10', after: '50' },
      { path: 'rules[1].id', after: '"b"' },
      { path: 'gone', before: '1' },
    ]);
    expect(jsonDiff(null, { key: 'f' })).toEqual([{ path: 'key', after: '"f"' }]);
    expect(jsonDiff({ rules: [] }, { rules: [] })).toEqual([]);
  });
});
