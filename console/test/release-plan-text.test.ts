import { describe, expect, it } from 'vitest';
import type { ReleasePlan } from '../src/api/release-plans.js';
import {
  durationText,
  failingVerdicts,
  issuesOf,
  nextCheckText,
  outcomeText,
  parseGuards,
  pathText,
  stepText,
  stepsDone,
  waitingText,
} from '../src/pages/flags/release-plans/plan-text.js';
import {
  guardIssueAt,
  guardRow,
  guardsOf,
  guardsToRows,
  rowsToGuards,
  switchMode,
} from '../src/pages/flags/release-plans/guard-form.js';

/** The release plan section's pure parts, in Node: what it says about a plan, and the guards editor. */
const NOW = Date.parse('2026-12-03T12:00:00Z');
const plan = (patch: Partial<ReleasePlan> = {}, progress: Partial<ReleasePlan['progress']> = {}): ReleasePlan => ({
  id: 'p1',
  flag: 'checkout',
  environment: 'production',
  ruleId: 'everyone',
  steps: [{ percent: 10, holdMinutes: 60 }, { gate: 'manual' }, { percent: 100, holdMinutes: 0 }],
  guards: [],
  guardIntervalSeconds: 60,
  onFailure: 'rollback',
  onInconclusive: 'hold',
  reason: null,
  state: 'running',
  progress: {
    currentStep: 0,
    currentPercent: 10,
    stepStartedAt: null,
    holdEndsAt: null,
    nextCheckAt: null,
    waitingFor: 'hold',
    lastCheckedAt: null,
    verdicts: [],
    ...progress,
  },
  outcome: null,
  createdBy: { kind: 'user', id: 'u', display: 'Ana' },
  createdAt: '2026-12-03T11:00:00Z',
  updatedAt: '2026-12-03T11:00:00Z',
  finishedAt: null,
  ...patch,
});
const failing = {
  guard: 0,
  kind: 'http',
  status: 'fail' as const,
  message: 'data.error_rate 0.2 breaks < 0.05',
  observed: 0.2,
  evidence: { observed: 0.2 },
  at: '2026-12-03T11:59:00Z',
};

describe('what the release plan section says', () => {
  it.each([
    [0, '0 s'],
    [1_500, '2 s'],
    [59_000, '59 s'],
    [61_000, '2 min'],
    [3_600_000, '1 h'],
    [5_400_000, '1 h 30 min'],
  ])('a duration of %i ms reads %s', (ms, text) => expect(durationText(ms)).toBe(text));

  it('names steps and the path of the rollout', () => {
    expect(stepText({ percent: 10, holdMinutes: 60 })).toBe('10 % for 1 h');
    expect(stepText({ percent: 1, holdMinutes: 0.05 })).toBe('1 % for 3 s');
    expect(stepText({ percent: 100, holdMinutes: 0 })).toBe('100 %');
    expect(stepText({ gate: 'manual' })).toBe('manual gate');
    expect(pathText(plan().steps)).toBe('10 % → gate → 100 %');
  });

  it('counts the current step as applied, every step once completed, none before the start', () => {
    expect(stepsDone(plan())).toBe(1);
    expect(stepsDone(plan({ state: 'draft' }, { currentStep: -1 }))).toBe(0);
    expect(stepsDone(plan({ state: 'completed' }, { currentStep: 2 }))).toBe(3);
  });

  it('says what a plan waits for, with the hold left and the next check relative to now', () => {
    const holding = plan({}, { holdEndsAt: '2026-12-03T12:12:00Z', nextCheckAt: '2026-12-03T12:00:08Z' });
    expect(waitingText(holding, NOW)).toBe('Holding: 12 min left.');
    expect(nextCheckText(holding, NOW)).toBe('Next check or step in 8 s.');
    expect(waitingText(plan({}, { holdEndsAt: '2026-12-03T11:59:00Z' }), NOW)).toBe('Hold over: the next step is due.');
    expect(waitingText(plan({}, { waitingFor: 'manual-gate' }), NOW)).toMatch(/manual gate/);
    expect(nextCheckText(plan({ state: 'paused' }, { nextCheckAt: '2026-12-03T12:00:08Z' }), NOW)).toBeNull();
  });

  it('says how a plan ended: by its guards with their messages, or by a person with their reason', () => {
    const byGuards = plan({
      state: 'rolled_back',
      outcome: { by: 'guards', because: 'fail', to: 'rollback', failing: [failing] },
    });
    expect(outcomeText(byGuards)).toBe(
      'Rolled back to 0 % by its guards: guard 0 (http) fail: data.error_rate 0.2 breaks < 0.05.',
    );
    expect(failingVerdicts(byGuards)).toEqual([failing]);
    const killed = plan({ state: 'rolled_back', outcome: { by: 'Ana', reason: 'latency', to: 'kill' } });
    expect(outcomeText(killed)).toBe('Rolled back (flag killed) by Ana: latency.');
    expect(failingVerdicts(killed)).toEqual([]);
    expect(outcomeText(plan({ state: 'aborted', outcome: { by: 'Ana', reason: null } }))).toBe('Aborted by Ana.');
    expect(outcomeText(plan({ state: 'completed' }, { currentPercent: 100 }))).toBe('Completed at 100 %.');
  });
});

describe('the guards editor and the server’s 400s', () => {
  it('reads a JSON array, a single object, or nothing; refuses what is not JSON or has no kind', () => {
    expect(parseGuards('')).toEqual({ guards: [] });
    expect(parseGuards('{"kind":"http"}')).toEqual({ guards: [{ kind: 'http' }] });
    expect(parseGuards('[{"kind":"prometheus","query":"up"}]')).toEqual({
      guards: [{ kind: 'prometheus', query: 'up' }],
    });
    expect(parseGuards('[{"kind":')).toEqual({ error: expect.stringMatching(/^Not JSON/) });
    expect(parseGuards('[{"url":"x"}]')).toEqual({ error: expect.stringMatching(/"kind"/) });
  });

  it('takes the issues of a 400 body, ignoring malformed ones', () => {
    expect(issuesOf({ issues: [{ path: 'body.guards.0.url', message: 'bad' }, { nope: 1 }] })).toEqual([
      { path: 'body.guards.0.url', message: 'bad' },
    ]);
    expect(issuesOf(undefined)).toEqual([]);
  });
});

describe('the guards as fields and back', () => {
  const prometheus = guardRow('prometheus', { query: ' sum(rate(errors[5m])) ', threshold: '0.02', operator: '<=' });
  const builtin = guardRow('builtin', { event: 'checkout.error', alpha: '0.01', treatment: '' });

  it('sends typed numbers, leaves empty fields out (server defaults), and keeps a bad number as typed', () => {
    expect(rowsToGuards([prometheus, builtin])).toEqual([
      { kind: 'prometheus', query: ' sum(rate(errors[5m])) ', operator: '<=', threshold: 0.02 },
      { kind: 'builtin', event: 'checkout.error', metric: 'rate', direction: 'increase_is_bad', alpha: 0.01 },
    ]);
    const typo = guardRow('http', { url: 'https://m.example', path: '$.x', threshold: '0,5' });
    expect(rowsToGuards([typo])[0]).toMatchObject({ threshold: '0,5' });
  });

  it('turns JSON the fields can show into rows, and says why not otherwise', () => {
    const guards = rowsToGuards([prometheus, builtin]);
    const back = guardsToRows(guards);
    expect('rows' in back && rowsToGuards(back.rows)).toEqual(guards);
    expect(guardsToRows([{ kind: 'datadog', query: 'x' }])).toEqual({
      error: expect.stringMatching(/Guard 1: .*datadog/),
    });
    expect(guardsToRows([{ kind: 'http', url: 'u', headers: {} }])).toEqual({
      error: expect.stringMatching(/"headers"/),
    });
    expect(guardsToRows([{ kind: 'http', threshold: '1' }])).toEqual({ error: expect.stringMatching(/threshold/) });
    expect(guardsToRows([{ kind: 'http', operator: '≈' }])).toEqual({ error: expect.stringMatching(/operator/) });
  });

  it('switches between fields and JSON both ways, keeping JSON the fields cannot show', () => {
    const json = switchMode({ mode: 'fields', rows: [prometheus] });
    expect('state' in json && json.state.mode === 'json' && JSON.parse(json.state.text)).toEqual(
      rowsToGuards([prometheus]),
    );
    const fields = 'state' in json ? switchMode(json.state) : json;
    expect('state' in fields && fields.state).toEqual({ mode: 'fields', rows: [prometheus] });
    expect(switchMode({ mode: 'json', text: '[{"kind":"datadog"}]' })).toEqual({ error: expect.any(String) });
    expect(switchMode({ mode: 'json', text: '[{' })).toEqual({ error: expect.stringMatching(/^Not JSON/) });
    expect(guardsOf({ mode: 'json', text: '' })).toEqual({ guards: [] });
  });

  it('keeps the shared fields when the kind changes, and places a 400 issue at its guard and field', () => {
    expect(guardRow('http', prometheus.values).values).toMatchObject({ operator: '<=', threshold: '0.02', path: '' });
    expect(guardRow('http', prometheus.values).values).not.toHaveProperty('query');
    expect(guardIssueAt({ path: 'body.guards.1.event', message: 'm' })).toEqual({ index: 1, field: 'event' });
    expect(guardIssueAt({ path: 'body.guards.0', message: 'm' })).toEqual({ index: 0, field: null });
    expect(guardIssueAt({ path: 'body.guards', message: 'm' })).toBeNull();
  });
});
