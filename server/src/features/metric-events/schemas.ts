import { z } from 'zod';
import { boundedRecord, reportWindowFields, withOrderedWindow } from '../sdk/report-schemas.js';

/** Most flags one events report may carry (an SDK attributes events to the flags it served). */
export const MAX_EVENT_REPORT_FLAGS = 1_000;
/** Most variants per flag in one report (flags have at most 100, plus "" for unknown ones). */
export const MAX_EVENT_REPORT_VARIANTS = 101;
/** Most event names per (flag, variant) in one report. */
export const MAX_EVENT_REPORT_NAMES = 100;
/**
 * Most distinct event names stored per environment and flag: names beyond it are dropped. Client
 * keys are public, so without a cap anyone holding one could make a row per made-up name.
 */
export const MAX_EVENT_NAMES_PER_FLAG = 100;
/** Largest count of one (flag, variant, event) in one report (as usage: far above one SDK's flush). */
export const MAX_EVENT_COUNT = 1_000_000_000_000;
/** Largest |sum| of one (flag, variant, event) in one report. */
export const MAX_EVENT_SUM = 1e18;
/**
 * Largest sum of squares of one (flag, variant, event) in one report: as many events as a report
 * may count, each as large as a whole sum may be (1e48). Far below the largest double, so stored
 * rows can add up reports without overflowing (the largest double once let the second report of a
 * minute fail, and every later one of that row).
 */
export const MAX_EVENT_SQUARES = MAX_EVENT_COUNT * MAX_EVENT_SUM * MAX_EVENT_SUM;
/**
 * Largest request body (bytes): the SDKs' default cap of 10,000 (flag, variant, event) keys with
 * three numbers each stays well below.
 */
export const EVENTS_BODY_LIMIT = 2 * 1024 * 1024;

/** Event names: what the SDKs accept for `track(event, …)`. */
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
export const eventNameSchema = z
  .string()
  .regex(EVENT_NAME_PATTERN, 'must be 1–100 characters of A–Z, a–z, 0–9, ".", "_", ":" and "-"');

/** One (flag, variant, event) aggregate: how many events, the sum of their values and of the squares. */
const aggregateSchema = z
  .strictObject({
    count: z.number().int().min(1).max(MAX_EVENT_COUNT),
    sum: z.number().min(-MAX_EVENT_SUM).max(MAX_EVENT_SUM),
    sumSquares: z.number().min(0).max(MAX_EVENT_SQUARES),
  })
  // Σx² ≥ (Σx)²/n for any values (Cauchy–Schwarz); anything else is not a sum of squares and would
  // make a negative variance. A relative tolerance absorbs floating-point rounding.
  .refine((a) => a.sumSquares * a.count >= a.sum * a.sum * (1 - 1e-6), {
    message: 'sumSquares × count must be at least sum² (these are not the sums of one set of values)',
    path: ['sumSquares'],
  });

const byEventSchema = boundedRecord(
  eventNameSchema,
  aggregateSchema,
  MAX_EVENT_REPORT_NAMES,
  'event names per variant',
);
const byVariantSchema = boundedRecord(
  z.string().max(200),
  byEventSchema,
  MAX_EVENT_REPORT_VARIANTS,
  'variants per flag',
);

/**
 * POST /sdk/events: the app's events of one SDK instance over `[start, end]`, attributed to the
 * variant of each flag the SDK last served the event's context.
 */
export const eventsBodySchema = withOrderedWindow(
  z.strictObject({
    ...reportWindowFields('window'),
    events: boundedRecord(
      z.string().min(1).max(200),
      byVariantSchema,
      MAX_EVENT_REPORT_FLAGS,
      'flags per report',
    ).describe('{ [flagKey]: { [variantKey]: { [eventName]: { count, sum, sumSquares } } } }'),
  }),
);
export type EventsBody = z.infer<typeof eventsBodySchema>;

export const eventsResponseSchema = z.object({
  accepted: z.number().int().describe('(flag, variant, event) aggregates stored'),
  unknownFlags: z
    .array(z.string())
    .describe(
      'Flag keys whose events were dropped: not in the project (for a client token: not a client-side flag of it)',
    ),
});

/** Longest range GET …/events reads (the answer has one entry per bucket). */
export const MAX_EVENTS_RANGE_MS = 7 * 86_400_000;

/** GET /projects/:project/flags/:flag/events. */
export const eventsQuerySchema = z.object({
  environment: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Environment key; absent = summed over every environment'),
  event: eventNameSchema
    .optional()
    .describe('Event name; absent = no totals or series, only the names tracked for the flag (`events`)'),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Start (inclusive), rounded down to its minute; default: 24 hours ago; at most 7 days back'),
  bucket: z.enum(['minute', 'hour']).default('hour').describe('Bucket size of the time series, in UTC'),
});
export type EventsQuery = z.infer<typeof eventsQuerySchema>;

const totalsSchema = z.object({
  count: z.number().describe('Events'),
  sum: z.number().describe('Sum of their values'),
  mean: z.number().nullable().describe('sum / count; null without events'),
  stddev: z.number().nullable().describe('Sample standard deviation of the values; null below 2 events'),
});

export const eventsResponseBodySchema = z.object({
  flag: z.string(),
  environment: z.string().nullable().describe('The environment key asked for; null = every environment'),
  event: z.string().nullable().describe('The event asked for; null = none (see `events`)'),
  events: z.array(z.string()).describe('Event names tracked for this flag (in the environment, or any), sorted'),
  since: z.string().describe('Start of the first bucket (ISO 8601)'),
  to: z.string().describe('End of the range, exclusive: now (ISO 8601)'),
  bucket: z.enum(['minute', 'hour']),
  variants: z.record(z.string(), totalsSchema).describe('{ [variantKey]: totals over the range }'),
  series: z
    .array(
      z.object({
        start: z.string().describe('Start of the bucket (ISO 8601, UTC)'),
        variants: z
          .record(z.string(), z.object({ count: z.number(), sum: z.number() }))
          .describe('{ [variantKey]: { count, sum } }; variants without events are absent'),
      }),
    )
    .describe('Buckets with events, in order (empty buckets are left out)'),
});
