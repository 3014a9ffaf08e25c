import { describe, expect, it } from 'vitest';
import { settledState, staleVerdict, type ConfigFacts, type FlagFacts } from './stale-flags.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

const config = (overrides: Partial<ConfigFacts> = {}): ConfigFacts => ({
  environment: 'production',
  enabled: true,
  offVariant: 'off',
  defaultServe: { variant: 'on' },
  rules: [],
  prerequisites: [],
  killed: false,
  updatedAt: daysAgo(60),
  ...overrides,
});
const flag = (overrides: Partial<FlagFacts> = {}): FlagFacts => ({
  createdAt: daysAgo(90),
  lastEvaluatedAt: daysAgo(1),
  configs: [config()],
  ...overrides,
});
const split = (...shares: [string, number][]) => ({ split: shares.map(([variant, weight]) => ({ variant, weight })) });
const RULE = { id: 'r1', conditions: [], segments: [], serve: { variant: 'on' } };

describe('settledState: what an environment serves to everyone', () => {
  it.each([
    ['one variant, no rules', config(), { state: 'rolled-out', variant: 'on' }],
    [
      'a split with all weight on one variant',
      config({ defaultServe: split(['on', 10000], ['off', 0]) }),
      { state: 'rolled-out', variant: 'on' },
    ],
    ['a split over two variants', config({ defaultServe: split(['on', 5000], ['off', 5000]) }), undefined],
    ['rules', config({ rules: [RULE] }), undefined],
    ['prerequisites (may fail and serve off)', config({ prerequisites: [{ flag: 'x', variants: ['on'] }] }), undefined],
    ['disabled', config({ enabled: false, rules: [RULE] }), { state: 'off', variant: 'off' }],
    ['killed', config({ killed: true, enabled: false }), { state: 'killed', variant: 'off' }],
    ['a malformed serve', config({ defaultServe: null }), undefined],
  ])('%s', (_name, facts, expected) => {
    expect(settledState(facts)).toEqual(expected);
  });
});

describe('staleVerdict: cleanup candidates after N days (N = 30)', () => {
  const busy = [config({ rules: [RULE] })];
  it.each([
    ['evaluated yesterday, with rules', flag({ configs: busy }), []],
    ['never evaluated, created 31 days ago', flag({ lastEvaluatedAt: undefined, configs: busy }), ['never-evaluated']],
    [
      'never evaluated, created 29 days ago',
      flag({ createdAt: daysAgo(29), lastEvaluatedAt: undefined, configs: busy }),
      [],
    ],
    ['last evaluated 31 days ago', flag({ lastEvaluatedAt: daysAgo(31), configs: busy }), ['not-evaluated-recently']],
    [
      'last evaluated exactly 30 days ago',
      flag({ lastEvaluatedAt: daysAgo(30), configs: busy }),
      ['not-evaluated-recently'],
    ],
    ['rolled out everywhere for 60 days, still evaluated', flag(), ['fully-rolled-out']],
    [
      'rolled out, but changed 10 days ago in one environment',
      flag({ configs: [config(), config({ environment: 'staging', updatedAt: daysAgo(10) })] }),
      [],
    ],
    [
      'rolled out in one environment, rules in the other',
      flag({ configs: [config(), config({ environment: 'staging', rules: [RULE] })] }),
      [],
    ],
    [
      'killed everywhere for 40 days',
      flag({ configs: [config({ killed: true }), config({ environment: 'staging', killed: true })] }),
      ['killed-everywhere'],
    ],
    [
      'killed in one, rolled out in the other',
      flag({ configs: [config({ killed: true }), config({ environment: 'staging' })] }),
      ['fully-rolled-out'],
    ],
    ['off everywhere for 60 days', flag({ configs: [config({ enabled: false })] }), ['fully-rolled-out']],
    [
      'never evaluated and killed everywhere',
      flag({ lastEvaluatedAt: undefined, configs: [config({ killed: true })] }),
      ['never-evaluated', 'killed-everywhere'],
    ],
    ['no environment: judged by evaluations only', flag({ configs: [] }), []],
  ])('%s', (_name, facts, expected) => {
    expect(staleVerdict(facts, 30, NOW).reasons).toEqual(expected);
  });

  it('lists what each environment serves, and since when', () => {
    const verdict = staleVerdict(flag({ configs: [config({ killed: true, updatedAt: daysAgo(40) })] }), 30, NOW);
    expect(verdict.environments).toEqual([
      { environment: 'production', state: 'killed', variant: 'off', since: daysAgo(40) },
    ]);
  });
});
