import { z } from 'zod';
import { conditionSchema } from './condition.js';
import type { PercentRollout, PercentRule, PercentServe, PercentShare } from './percent.js';
import { isPercent, percentToBasisPoints } from './percent.js';

/**
 * zod schemas of the public API's rollouts in percent (see percent.ts): what REST, the console and
 * the CLI write and read. The model's schemas (flag.ts) keep basis points for SDKs and storage.
 */
const key = z.string().min(1);
const HUNDRED_PERCENT_BPS = 10000;

/** 0..100 with at most two decimals (0.01 % = one basis point). */
export const percentSchema = z
  .number()
  .min(0)
  .max(100)
  .refine(isPercent, 'must be a percent from 0 to 100 with at most two decimals (e.g. 25.5)')
  .describe('Percent: 0..100, at most two decimals (25.5 = 25.5 %)');

export const percentShareSchema: z.ZodType<PercentShare> = z.object({ variant: key, percent: percentSchema });

/** One variant, or a split whose percents sum to 100 over distinct variants. */
export const percentServeSchema: z.ZodType<PercentServe> = z.union([
  z.strictObject({ variant: key }),
  z
    .strictObject({ split: z.array(percentShareSchema).min(1), stickiness: key.optional() })
    .superRefine((serve, ctx) => {
      // Summed in basis points (integers): 33.33 + 33.33 + 33.34 is 100 exactly, as floats it is not.
      // A share that is not a percent has its own issue (and no basis points to add).
      const valid = serve.split.every((share) => isPercent(share.percent));
      const total = valid ? serve.split.reduce((sum, share) => sum + percentToBasisPoints(share.percent), 0) : 0;
      if (valid && total !== HUNDRED_PERCENT_BPS) {
        ctx.addIssue({
          code: 'custom',
          message: `split percents sum to ${total / 100}, not 100`,
          path: ['split'],
        });
      }
      const seen = new Set<string>();
      serve.split.forEach((share, index) => {
        if (seen.has(share.variant)) {
          ctx.addIssue({ code: 'custom', message: `variant "${share.variant}" appears twice`, path: ['split', index] });
        }
        seen.add(share.variant);
      });
    }),
]);

export const percentRolloutSchema: z.ZodType<PercentRollout> = z.object({
  percent: percentSchema,
  stickiness: key.optional(),
});

export const percentRuleSchema: z.ZodType<PercentRule> = z.object({
  id: key,
  description: z.string().optional(),
  conditions: z.array(conditionSchema),
  segments: z.array(key),
  rollout: percentRolloutSchema.optional(),
  serve: percentServeSchema,
});
