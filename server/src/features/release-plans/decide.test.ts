import { describe, expect, it } from 'vitest';
import { decidePlanCheck, percentAt, type PlanCheckInput } from './decide.js';
import type { PlanStep } from './schemas.js';

const T0 = new Date('2026-12-03T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);
const STEPS: PlanStep[] = [{ percent: 1, holdMinutes: 10 }, { gate: 'manual' }, { percent: 50, holdMinutes: 0 }];
const pass = { status: 'pass' } as const;
const fail = { status: 'fail' } as const;
const inconclusive = { status: 'inconclusive' } as const;

const base: PlanCheckInput = {
  steps: STEPS,
  currentStep: 0,
  stepStartedAt: T0,
  onInconclusive: 'hold',
  guardIntervalSeconds: 30,
  hasGuards: true,
  verdicts: [pass],
  now: at(60),
};

describe('decidePlanCheck', () => {
  const cases: [string, Partial<PlanCheckInput>, ReturnType<typeof decidePlanCheck>][] = [
    ['before the first step: apply it', { currentStep: -1, verdicts: [] }, { action: 'advance', to: 0 }],
    ['a failing guard rolls back, whatever else', { verdicts: [pass, fail] }, { action: 'rollback', because: 'fail' }],
    [
      'a failing guard at a gate rolls back',
      { currentStep: 1, verdicts: [fail] },
      { action: 'rollback', because: 'fail' },
    ],
    ['during the hold: the next guard check', {}, { action: 'wait', nextCheckAt: at(90), waitingFor: 'hold' }],
    [
      'the hold ends before the next guard check',
      { now: at(590) },
      { action: 'wait', nextCheckAt: at(600), waitingFor: 'hold' },
    ],
    [
      'no guards: straight to the end of the hold',
      { hasGuards: false, verdicts: [] },
      { action: 'wait', nextCheckAt: at(600), waitingFor: 'hold' },
    ],
    ['the hold is over, guards pass: the next step', { now: at(600) }, { action: 'advance', to: 1 }],
    [
      'the hold is over, a guard inconclusive, policy hold: check again',
      { now: at(600), verdicts: [pass, inconclusive] },
      { action: 'wait', nextCheckAt: at(630), waitingFor: 'guards' },
    ],
    [
      'inconclusive during the hold, policy hold: just wait',
      { verdicts: [inconclusive] },
      { action: 'wait', nextCheckAt: at(90), waitingFor: 'hold' },
    ],
    [
      'inconclusive, policy continue: counts as passing',
      { now: at(600), verdicts: [inconclusive], onInconclusive: 'continue' },
      { action: 'advance', to: 1 },
    ],
    [
      'inconclusive, policy rollback: rolls back at once',
      { verdicts: [inconclusive], onInconclusive: 'rollback' },
      { action: 'rollback', because: 'inconclusive' },
    ],
    [
      'at a manual gate with guards: keep checking',
      { currentStep: 1, now: at(3_600) },
      { action: 'wait', nextCheckAt: at(3_630), waitingFor: 'manual-gate' },
    ],
    [
      'at a manual gate without guards: nothing to do until someone advances',
      { currentStep: 1, hasGuards: false, verdicts: [] },
      { action: 'wait', nextCheckAt: null, waitingFor: 'manual-gate' },
    ],
    ['the last step with no hold: complete', { currentStep: 2, now: at(1) }, { action: 'complete' }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(decidePlanCheck({ ...base, ...input })).toEqual(expected);
  });
});

describe('percentAt', () => {
  it('is the last percent step at or before the index', () => {
    expect([-1, 0, 1, 2].map((index) => percentAt(STEPS, index))).toEqual([null, 1, 1, 50]);
  });
});
