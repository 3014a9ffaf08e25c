import { z } from 'zod';
import { eventNameSchema } from '../../metric-events/schemas.js';
import { variantKeys } from '../../usage/reportable-flags.js';
import { compareMeans, compareRates, summarize, type Comparison } from '../../metric-events/statistics.js';
import { eventTotals, exposureTotals, minuteOf, type EventSums } from '../../metric-events/store.js';
import type { GuardContext, GuardKind, GuardVerdict } from './types.js';

const HOUR_MS = 3_600_000;
/** Reports count in the minute their window started, which may be this far past the server's clock. */
const CLOCK_SKEW_MS = 5 * 60_000;
const METHOD = 'mSPRT (mixture sequential probability ratio test; Johari et al., Operations Research 2022)';

/**
 * A built-in guard: the app's own event (tracked by the SDKs, see features/metric-events) in the
 * treatment variant against the control, since the step began, with an always-valid sequential
 * test (see metric-events/statistics.ts and docs/guards.md).
 */
export const builtinGuardSpecSchema = z
  .strictObject({
    kind: z.literal('builtin'),
    event: eventNameSchema.describe('The tracked event, e.g. "checkout.error" or "latency_ms"'),
    metric: z
      .enum(['mean', 'rate'])
      .describe(
        "mean: the mean of the events' values (per event); rate: events per exposure (per evaluation of the flag)",
      ),
    direction: z.enum(['increase_is_bad', 'decrease_is_bad']),
    maxRelativeChange: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe('How much worse the treatment may be, relative to the control: 0.1 = 10% (default 0)'),
    minSamples: z
      .number()
      .int()
      .min(10)
      .max(1_000_000_000)
      .default(200)
      .describe('Fewest observations per group before deciding (events for mean, exposures for rate); default 200'),
    alpha: z.number().gt(0).max(0.2).default(0.05).describe('Bound of the false-alarm rate per step; default 0.05'),
    treatment: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Variant rolled out; default "on" for on/off flags, else the first variant'),
    control: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Variant compared against; default "off" for on/off flags, else the second variant'),
  })
  .refine((spec) => spec.treatment === undefined || spec.treatment !== spec.control, {
    message: 'must differ from control',
    path: ['treatment'],
  })
  .refine((spec) => spec.direction !== 'decrease_is_bad' || spec.maxRelativeChange < 1, {
    message: 'must be below 1 when a decrease is bad (a 100% decrease is no value at all)',
    path: ['maxRelativeChange'],
  });
export type BuiltinGuardSpec = z.infer<typeof builtinGuardSpecSchema>;

/** The treatment and control variant keys: the spec's, else on/off, else the first two variants. */
export function defaultArms(
  variants: readonly string[],
  spec: Pick<BuiltinGuardSpec, 'treatment' | 'control'>,
): { treatment: string; control: string } | undefined {
  const onOff = variants.includes('on') && variants.includes('off');
  const treatment = spec.treatment ?? (onOff ? 'on' : variants[0]);
  const control = spec.control ?? (onOff ? 'off' : variants.find((variant) => variant !== treatment));
  return treatment === undefined || control === undefined || treatment === control ? undefined : { treatment, control };
}

/** Deciding from the sums: pure, so it is table-tested without a database. */
export function assessBuiltin(
  spec: BuiltinGuardSpec,
  arms: { treatment: string; control: string },
  data: { events: Map<string, EventSums>; exposures: Map<string, number> | undefined },
): GuardVerdict {
  const options = { direction: spec.direction, maxRelativeChange: spec.maxRelativeChange, alpha: spec.alpha };
  const none: EventSums = { count: 0, sum: 0, sumSquares: 0 };
  const t = data.events.get(arms.treatment) ?? none;
  const c = data.events.get(arms.control) ?? none;
  const base = {
    method: METHOD,
    metric: spec.metric,
    event: spec.event,
    direction: spec.direction,
    maxRelativeChange: spec.maxRelativeChange,
    alpha: spec.alpha,
    minSamples: spec.minSamples,
  };
  const group = (variant: string, sums: EventSums, exposures?: number) => {
    const summary = summarize(sums);
    return {
      variant,
      n: sums.count,
      ...(exposures === undefined ? {} : { exposures }),
      mean: summary.mean,
      stddev: summary.stddev,
    };
  };
  if (spec.metric === 'mean') {
    const evidence = { ...base, treatment: group(arms.treatment, t), control: group(arms.control, c) };
    if (t.count < spec.minSamples || c.count < spec.minSamples) {
      return {
        status: 'inconclusive',
        message: `${spec.event}: not enough events yet (treatment n=${t.count}, control n=${c.count}; ${spec.minSamples} needed per group)`,
        evidence,
      };
    }
    const result = compareMeans(t, c, options);
    return verdict(spec, result, result.treatmentMean, result.controlMean, 'mean', evidence);
  }
  const te = data.exposures?.get(arms.treatment) ?? 0;
  const ce = data.exposures?.get(arms.control) ?? 0;
  const evidence = { ...base, treatment: group(arms.treatment, t, te), control: group(arms.control, c, ce) };
  if (te < spec.minSamples || ce < spec.minSamples) {
    return {
      status: 'inconclusive',
      message: `${spec.event}: not enough exposures yet (treatment ${te}, control ${ce}; ${spec.minSamples} needed per group)`,
      evidence,
    };
  }
  const result = compareRates({ events: t.count, exposures: te }, { events: c.count, exposures: ce }, options);
  return verdict(spec, result, result.treatmentRate, result.controlRate, 'rate', evidence);
}

function verdict(
  spec: BuiltinGuardSpec,
  result: Comparison,
  treatment: number,
  control: number,
  what: string,
  evidence: Record<string, unknown>,
): GuardVerdict {
  const relative = control === 0 ? null : treatment / control - 1;
  const change = relative === null ? '' : ` (${relative >= 0 ? '+' : ''}${(relative * 100).toFixed(1)}%)`;
  const worse = spec.direction === 'increase_is_bad' ? 'higher' : 'lower';
  const message = result.regression
    ? `${spec.event} ${what} ${format(treatment)} vs ${format(control)}${change}: ${worse} in the treatment beyond ` +
      `${(spec.maxRelativeChange * 100).toFixed(0)}% (likelihood ratio ${format(result.likelihoodRatio)} ≥ ${format(result.threshold)})`
    : `${spec.event} ${what} ${format(treatment)} vs ${format(control)}${change}: no regression shown ` +
      `(likelihood ratio ${format(result.likelihoodRatio)} < ${format(result.threshold)})`;
  return {
    status: result.regression ? 'fail' : 'pass',
    message,
    observed: treatment,
    evidence: {
      ...evidence,
      estimate: result.estimate,
      variance: result.variance,
      statistic: finiteOrString(result.statistic),
      likelihoodRatio: finiteOrString(result.likelihoodRatio),
      threshold: result.threshold,
      pValue: result.pValue,
      relativeChange: relative,
    },
  };
}

const format = (value: number) =>
  Number.isFinite(value) ? Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 }) : '∞';
/** JSON has no Infinity: the audit log keeps it as a string. */
const finiteOrString = (value: number) => (Number.isFinite(value) ? value : String(value));

/** The built-in guard kind (registered by guards/index.ts). */
export const builtinGuard: GuardKind<BuiltinGuardSpec> = {
  kind: 'builtin',
  schema: builtinGuardSpecSchema,
  async evaluate(spec, context) {
    try {
      return await evaluateBuiltin(spec, context);
    } catch (error) {
      context.log.warn({ err: error, planId: context.planId }, 'builtin guard: could not read the events');
      return {
        status: 'inconclusive',
        message: `${spec.event}: could not read the events (${error instanceof Error ? error.message : String(error)})`,
        evidence: { event: spec.event, error: error instanceof Error ? error.message : String(error) },
      };
    }
  },
};

async function evaluateBuiltin(spec: BuiltinGuardSpec, context: GuardContext): Promise<GuardVerdict> {
  const flag = await context.prisma.flag.findUnique({ where: { id: context.flagId }, select: { variants: true } });
  const arms = defaultArms([...variantKeys(flag?.variants)], spec);
  if (!arms) {
    return {
      status: 'inconclusive',
      message: `${spec.event}: the flag has no treatment and control variants to compare`,
      evidence: { event: spec.event, treatment: spec.treatment ?? null, control: spec.control ?? null },
    };
  }
  // Means use the step's own minutes. Rates divide by usage counts, which are stored per hour, so
  // events and exposures are both read from the hour the step began in: the same window for
  // numerator and denominator keeps each group's rate unbiased (it may include up to an hour of
  // the previous step, at its own share of traffic, which a rate per exposure does not mind).
  const from =
    spec.metric === 'mean'
      ? minuteOf(context.stepStartedAt)
      : new Date(Math.floor(context.stepStartedAt.getTime() / HOUR_MS) * HOUR_MS);
  const to = new Date(context.now.getTime() + (spec.metric === 'mean' ? CLOCK_SKEW_MS : HOUR_MS));
  const range = { environmentId: context.environmentId, flagId: context.flagId, from, to };
  const events = await eventTotals(context.prisma, { ...range, event: spec.event });
  const exposures = spec.metric === 'rate' ? await exposureTotals(context.prisma, range) : undefined;
  context.signal.throwIfAborted();
  const result = assessBuiltin(spec, arms, { events, exposures });
  return { ...result, evidence: { ...result.evidence, window: { from: from.toISOString(), to: to.toISOString() } } };
}
