import { z } from 'zod';

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
const flagCountsSchema = z
  .record(z.string().max(200), countSchema)
  .refine((variants) => Object.keys(variants).length <= MAX_REPORT_VARIANTS, {
    message: `at most ${MAX_REPORT_VARIANTS} variants per flag`,
  });

/**
 * POST /sdk/metrics: evaluation counts of one SDK instance over `[start, end]`, per flag key and
 * variant key ("" = the caller's default was returned).
 */
export const metricsBodySchema = z
  .object({
    start: z.iso.datetime({ offset: true }).describe('Start of the counting window (ISO 8601)'),
    end: z.iso.datetime({ offset: true }).describe('End of the counting window (ISO 8601)'),
    flags: z
      .record(z.string().min(1).max(200), flagCountsSchema)
      .refine((flags) => Object.keys(flags).length <= MAX_REPORT_FLAGS, {
        message: `at most ${MAX_REPORT_FLAGS} flags per report`,
      })
      .describe('{ [flagKey]: { [variantKey]: count } }'),
  })
  .refine((body) => Date.parse(body.end) >= Date.parse(body.start), {
    message: 'must not be before start',
    path: ['end'],
  });

export type MetricsBody = z.infer<typeof metricsBodySchema>;

export const metricsResponseSchema = z.object({
  accepted: z.number().int().describe('(flag, variant) counts stored'),
  unknownFlags: z
    .array(z.string())
    .describe(
      'Flag keys whose counts were dropped: not in the project (for a client token: not a client-side flag of it)',
    ),
});
