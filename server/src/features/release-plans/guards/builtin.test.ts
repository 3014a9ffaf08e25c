import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { addEvents, minuteOf } from '../../metric-events/store.js';
import { addUsage, hourOf } from '../../usage/store.js';
import { builtinGuard, builtinGuardSpecSchema, defaultArms, type BuiltinGuardSpec } from './builtin.js';
import type { GuardContext } from './types.js';

let t: TestApp;
let ids: { projectId: string; environmentId: string; checkout: string; colors: string };

const NOW = new Date();
/** The step began 30 minutes ago; data written 10 minutes ago belongs to it, 2 hours ago does not. */
const STEP_STARTED_AT = new Date(NOW.getTime() - 30 * 60_000);

function context(flagId: string, overrides: Partial<GuardContext> = {}): GuardContext {
  return {
    projectId: ids.projectId,
    projectKey: 'shop',
    environmentId: ids.environmentId,
    environmentKey: 'production',
    flagId,
    flagKey: flagId === ids.checkout ? 'checkout' : 'colors',
    planId: 'plan-1',
    stepStartedAt: STEP_STARTED_AT,
    stepPercent: 50,
    now: NOW,
    prisma: t.db.prisma,
    log: t.app.log,
    signal: new AbortController().signal,
    ...overrides,
  };
}

const spec = (input: Record<string, unknown>): BuiltinGuardSpec =>
  builtinGuardSpecSchema.parse({ kind: 'builtin', direction: 'increase_is_bad', ...input });
/** Sums of n values with the given mean and standard deviation. */
const normal = (n: number, mean: number, sd: number) => ({
  count: n,
  sum: n * mean,
  sumSquares: n * (sd * sd + mean * mean),
});

beforeAll(async () => {
  t = await createTestApp();
  await t.api('POST', '/projects', { key: 'shop', name: 'Shop' });
  await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'production' });
  await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'checkout', type: 'boolean' });
  const variants = ['blue', 'green', 'red'].map((key) => ({ key, value: key }));
  await t.api('POST', '/projects/shop/flags', { key: 'colors', name: 'colors', type: 'string', variants });
  const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'shop' } });
  const environment = await t.db.prisma.environment.findFirstOrThrow({ where: { projectId: project.id } });
  const flags = await t.db.prisma.flag.findMany({ where: { projectId: project.id } });
  const id = (key: string) => flags.find((flag) => flag.key === key)!.id;
  ids = { projectId: project.id, environmentId: environment.id, checkout: id('checkout'), colors: id('colors') };

  const during = minuteOf(new Date(NOW.getTime() - 10 * 60_000));
  const before = minuteOf(new Date(NOW.getTime() - 2 * 3_600_000));
  const row = (flagId: string, variant: string, event: string, sums: ReturnType<typeof normal>) => ({
    flagId,
    variant,
    event,
    ...sums,
  });
  await addEvents(t.db.prisma, ids.environmentId, during, [
    // latency: 10% slower in the treatment, 5,000 events per group.
    row(ids.checkout, 'on', 'latency_ms', normal(5000, 110, 50)),
    row(ids.checkout, 'off', 'latency_ms', normal(5000, 100, 50)),
    // render_ms: the same in both.
    row(ids.checkout, 'on', 'render_ms', normal(5000, 40, 10)),
    row(ids.checkout, 'off', 'render_ms', normal(5000, 40, 10)),
    // few: too few events to decide.
    row(ids.checkout, 'on', 'few', normal(50, 10, 1)),
    row(ids.checkout, 'off', 'few', normal(5000, 1, 1)),
    // errors: 2% of the treatment's exposures, 1% of the control's.
    row(ids.checkout, 'on', 'error', { count: 400, sum: 400, sumSquares: 400 }),
    row(ids.checkout, 'off', 'error', { count: 200, sum: 200, sumSquares: 200 }),
    row(ids.colors, 'blue', 'latency_ms', normal(1000, 100, 10)),
    row(ids.colors, 'green', 'latency_ms', normal(1000, 200, 10)),
  ]);
  // Before the step: a huge regression that must not count.
  await addEvents(t.db.prisma, ids.environmentId, before, [
    row(ids.checkout, 'on', 'render_ms', normal(100_000, 400, 10)),
    row(ids.checkout, 'off', 'render_ms', normal(100_000, 40, 10)),
  ]);
  await addUsage(t.db.prisma, ids.environmentId, hourOf(STEP_STARTED_AT), NOW, [
    { flagId: ids.checkout, variant: 'on', count: 20_000 },
    { flagId: ids.checkout, variant: 'off', count: 20_000 },
  ]);
});
afterAll(async () => t?.close());

describe('builtin guard on stored events', () => {
  it('fails a real regression of the mean, with the evidence', async () => {
    const verdict = await builtinGuard.evaluate(spec({ event: 'latency_ms', metric: 'mean' }), context(ids.checkout));
    expect(verdict.status).toBe('fail');
    expect(verdict.observed).toBeCloseTo(110, 6);
    expect(verdict.message).toMatch(/latency_ms mean 110 vs 100 \(\+10\.0%\)/);
    expect(verdict.evidence).toMatchObject({
      metric: 'mean',
      treatment: { variant: 'on', n: 5000, mean: 110 },
      control: { variant: 'off', n: 5000, mean: 100 },
      threshold: 20,
    });
    expect(verdict.evidence['likelihoodRatio']).toBeGreaterThanOrEqual(20);
    expect(verdict.evidence['pValue']).toBeLessThan(0.05);
  });

  it('passes equal groups, ignoring data from before the step', async () => {
    const verdict = await builtinGuard.evaluate(spec({ event: 'render_ms', metric: 'mean' }), context(ids.checkout));
    expect(verdict.status).toBe('pass');
    expect(verdict.evidence).toMatchObject({ treatment: { n: 5000 }, control: { n: 5000 } });
  });

  it('passes a regression within maxRelativeChange', async () => {
    const within = spec({ event: 'latency_ms', metric: 'mean', maxRelativeChange: 0.2 });
    expect((await builtinGuard.evaluate(within, context(ids.checkout))).status).toBe('pass');
  });

  it('is inconclusive below minSamples, and when nothing was tracked', async () => {
    const few = await builtinGuard.evaluate(spec({ event: 'few', metric: 'mean' }), context(ids.checkout));
    expect(few.status).toBe('inconclusive');
    expect(few.message).toMatch(/treatment n=50, control n=5000; 200 needed/);
    const none = await builtinGuard.evaluate(spec({ event: 'never', metric: 'mean' }), context(ids.checkout));
    expect(none.status).toBe('inconclusive');
  });

  it('compares rates of events per exposure (usage counts)', async () => {
    const errors = await builtinGuard.evaluate(spec({ event: 'error', metric: 'rate' }), context(ids.checkout));
    expect(errors.status).toBe('fail');
    expect(errors.evidence).toMatchObject({ treatment: { exposures: 20_000, n: 400 }, control: { exposures: 20_000 } });
    expect(errors.observed).toBeCloseTo(0.02, 10);
    // The same errors with a 150% margin pass; without exposures the rate is inconclusive.
    const margin = spec({ event: 'error', metric: 'rate', maxRelativeChange: 1.5 });
    expect((await builtinGuard.evaluate(margin, context(ids.checkout))).status).toBe('pass');
    const colors = spec({ event: 'latency_ms', metric: 'rate', treatment: 'green', control: 'blue' });
    expect((await builtinGuard.evaluate(colors, context(ids.colors))).status).toBe('inconclusive');
  });

  it('defaults to the first two variants of a non-boolean flag, and takes the spec’s', async () => {
    const defaults = await builtinGuard.evaluate(spec({ event: 'latency_ms', metric: 'mean' }), context(ids.colors));
    // blue (first) is the treatment, green the control: blue is faster, no regression.
    expect(defaults.status).toBe('pass');
    expect(defaults.evidence).toMatchObject({ treatment: { variant: 'blue' }, control: { variant: 'green' } });
    const swapped = spec({ event: 'latency_ms', metric: 'mean', treatment: 'green', control: 'blue' });
    expect((await builtinGuard.evaluate(swapped, context(ids.colors))).status).toBe('fail');
  });

  it('answers inconclusive instead of throwing when the events cannot be read', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('guard interval exceeded'));
    const verdict = await builtinGuard.evaluate(
      spec({ event: 'latency_ms', metric: 'mean' }),
      context(ids.checkout, { signal: aborted.signal }),
    );
    expect(verdict).toMatchObject({ status: 'inconclusive', message: /could not read the events/ });
  });
});

describe('builtin guard spec', () => {
  it('applies the defaults and refuses bad specs', () => {
    expect(spec({ event: 'x', metric: 'mean' })).toMatchObject({ minSamples: 200, alpha: 0.05, maxRelativeChange: 0 });
    const bad = [
      { event: 'a b', metric: 'mean' },
      { event: 'x', metric: 'median' },
      { event: 'x', metric: 'mean', alpha: 0 },
      { event: 'x', metric: 'mean', alpha: 0.5 },
      { event: 'x', metric: 'mean', minSamples: 5 },
      { event: 'x', metric: 'mean', treatment: 'on', control: 'on' },
      { event: 'x', metric: 'mean', direction: 'decrease_is_bad', maxRelativeChange: 1 },
      { event: 'x', metric: 'mean', unknown: 1 },
    ];
    for (const input of bad) {
      expect(
        builtinGuardSpecSchema.safeParse({ kind: 'builtin', direction: 'increase_is_bad', ...input }).success,
      ).toBe(false);
    }
  });

  it('picks on/off, else the first two variants, else nothing', () => {
    expect(defaultArms(['off', 'on'], {})).toEqual({ treatment: 'on', control: 'off' });
    expect(defaultArms(['a', 'b', 'c'], {})).toEqual({ treatment: 'a', control: 'b' });
    expect(defaultArms(['a', 'b', 'c'], { treatment: 'b' })).toEqual({ treatment: 'b', control: 'a' });
    expect(defaultArms(['a'], {})).toBeUndefined();
  });
});
