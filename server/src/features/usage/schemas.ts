import { z } from 'zod';

/** Most flags one report may carry (a snapshot rarely has more; SDKs cap their keys too). */
export const MAX_REPORT_FLAGS = 10_000;
/** Most variants per flag in one report (flags have at most 100, plus "" for defaults). */
export const MAX_REPORT_VARIANTS = 101;

const countSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
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
  unknownFlags: z.array(z.string()).describe('Flag keys not in the project (their counts are dropped)'),
});
