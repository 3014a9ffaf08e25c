import { z } from 'zod';
import { boundedRecord, reportWindowFields, withOrderedWindow } from '../sdk/report-schemas.js';
import { instantSchema } from '../../http/schemas.js';

/** Most flags one report may carry (a snapshot rarely has more; SDKs cap their keys too). */
export const MAX_REPORT_FLAGS = 10_000;
/** Most variants per flag in one report (flags have at most 100, plus "" for defaults). */
export const MAX_REPORT_VARIANTS = 101;
/**
 * Largest count one report may give a (flag, variant): a trillion evaluations, i.e. over 11
 * million a second for a whole day, far above what one SDK instance counts between flushes. The
 * stored sums saturate at bigint's maximum (store.ts), so no sequence of reports can overflow.
 */
export const MAX_REPORT_COUNT = 1_000_000_000_000;
/**
 * Largest request body (bytes). A report at the SDKs' default cap of 10,000 (flag, variant) pairs
 * with 63-character flag keys and 26-character variant keys is over 1 MiB (fastify's default), so
 * that is too tight; much more would only cost parsing time (client keys are public).
 */
export const METRICS_BODY_LIMIT = 2 * 1024 * 1024;

const countSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_REPORT_COUNT, `must be at most ${MAX_REPORT_COUNT} (one report's count of a flag and variant)`);
const flagCountsSchema = boundedRecord(z.string().max(200), countSchema, MAX_REPORT_VARIANTS, 'variants per flag');

/**
 * POST /sdk/metrics: evaluation counts of one SDK instance over `[start, end]`, per flag key and
 * variant key ("" = the caller's default was returned).
 */
export const metricsBodySchema = withOrderedWindow(
  z.object({
    ...reportWindowFields('counting window'),
    flags: boundedRecord(z.string().min(1).max(200), flagCountsSchema, MAX_REPORT_FLAGS, 'flags per report').describe(
      '{ [flagKey]: { [variantKey]: count } }',
    ),
  }),
);

export type MetricsBody = z.infer<typeof metricsBodySchema>;

export const metricsResponseSchema = z.object({
  accepted: z.number().int().describe('(flag, variant) counts stored'),
  unknownFlags: z
    .array(z.string())
    .describe(
      'Flag keys whose counts were dropped: not in the project (for a client token: not a client-side flag of it)',
    ),
});

/** Longest range of GET …/usage per bucket size (the answer has one entry per bucket). */
export const MAX_USAGE_RANGE_MS = { hour: 31 * 86_400_000, day: 400 * 86_400_000 } as const;

/** GET /projects/:project/flags/:flag/usage. */
export const usageHistoryQuerySchema = z
  .object({
    environment: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Environment key; absent = summed over every environment'),
    from: instantSchema
      .optional()
      .describe(
        'Start (inclusive), rounded down to its bucket; default: 24 buckets (hour) or 30 buckets (day) before `to`',
      ),
    to: instantSchema.optional().describe('End (exclusive); default: now; 1970 to 9999'),
    bucket: z.enum(['hour', 'day']).default('day').describe('Bucket size, in UTC'),
  })
  .refine(
    (query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to),
    {
      message: 'must be before to',
      path: ['from'],
    },
  );
export type UsageHistoryQuery = z.infer<typeof usageHistoryQuerySchema>;

export const usageHistoryResponseSchema = z.object({
  flag: z.string(),
  environment: z.string().nullable().describe('The environment key asked for; null = every environment'),
  bucket: z.enum(['hour', 'day']),
  from: z.string().describe('Start of the first bucket (ISO 8601)'),
  to: z.string().describe('End of the range, exclusive (ISO 8601)'),
  lastEvaluatedAt: z
    .string()
    .nullable()
    .describe('Latest evaluation reported (in the environment, or any), whatever the range; null = never'),
  buckets: z
    .array(
      z.object({
        start: z.string().describe('Start of the bucket (ISO 8601, UTC)'),
        total: z.number().int().describe('Evaluations in the bucket (at most 2^53 - 1: larger counts read as that)'),
        variants: z
          .record(z.string(), z.number().int())
          .describe('{ [variantKey]: count }; "" = the caller\'s default; counts at most 2^53 - 1'),
      }),
    )
    .describe('Every bucket of the range in order, empty ones included (total 0)'),
});

/** GET /projects/:project/usage/stale. */
export const staleQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(3650).default(30).describe('N: how many days without use or change'),
});

export const staleResponseSchema = z.object({
  days: z.number().int(),
  asOf: z.string().describe('The time the report was computed at'),
  examined: z.number().int().describe('Live (non-archived) flags looked at'),
  flags: z
    .array(
      z.object({
        key: z.string(),
        name: z.string(),
        createdAt: z.string(),
        lastEvaluatedAt: z.string().nullable(),
        reasons: z
          .array(z.enum(['never-evaluated', 'not-evaluated-recently', 'killed-everywhere', 'fully-rolled-out']))
          .describe(
            'never-evaluated: no evaluation reported and created over N days ago; not-evaluated-recently: none in ' +
              'the last N days; killed-everywhere: killed in every environment, unchanged for N days; ' +
              'fully-rolled-out: every environment serves one variant to everyone (no rules, no prerequisites, one ' +
              'variant or a 100% split; off and killed count too), unchanged for N days',
          ),
        environments: z
          .array(
            z.object({
              environment: z.string(),
              state: z.enum(['killed', 'off', 'rolled-out']),
              variant: z.string().describe('The variant everyone gets'),
              since: z.string().describe('Last change of the configuration'),
            }),
          )
          .describe('What each environment serves everyone, when every one serves a single variant; else empty'),
      }),
    )
    .describe('Cleanup candidates, by key'),
});
