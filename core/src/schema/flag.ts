import { z } from 'zod';
import type {
  Flag,
  FlagType,
  JsonValue,
  Prerequisite,
  Rollout,
  Rule,
  Serve,
  Variant,
  WeightedVariant,
} from '../model/flag.js';
import { conditionSchema } from './condition.js';

const BASIS_POINTS = 10000;

const key = z.string().min(1);
// A refinement rather than `.int()`: zod unions only surface non-aborting issues of a branch, and
// the server's 400 should say "integer" rather than "Invalid input".
const basisPoints = z
  .number()
  .min(0)
  .max(BASIS_POINTS)
  .refine(Number.isInteger, 'must be an integer number of basis points (0..10000)');

export const flagTypeSchema: z.ZodType<FlagType> = z.enum(['boolean', 'string', 'number', 'json']);

export const variantSchema: z.ZodType<Variant> = z.object({
  key,
  value: z.json(),
  name: z.string().optional(),
});

export const weightedVariantSchema: z.ZodType<WeightedVariant> = z.object({ variant: key, weight: basisPoints });

/** One variant, or a split whose weights (basis points) sum to 10000 over distinct variants. */
export const serveSchema: z.ZodType<Serve> = z.union([
  z.strictObject({ variant: key }),
  z
    .strictObject({ split: z.array(weightedVariantSchema).min(1), stickiness: key.optional() })
    .superRefine((serve, ctx) => {
      const total = serve.split.reduce((sum, share) => sum + share.weight, 0);
      if (total !== BASIS_POINTS) {
        ctx.addIssue({ code: 'custom', message: `split weights sum to ${total}, not 10000`, path: ['split'] });
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

export const rolloutSchema: z.ZodType<Rollout> = z.object({ percentage: basisPoints, stickiness: key.optional() });

export const ruleSchema: z.ZodType<Rule> = z.object({
  id: key,
  description: z.string().optional(),
  conditions: z.array(conditionSchema),
  segments: z.array(key),
  rollout: rolloutSchema.optional(),
  serve: serveSchema,
});

export const prerequisiteSchema: z.ZodType<Prerequisite> = z.object({ flagKey: key, variants: z.array(key) });

function valueMatchesType(type: FlagType, value: JsonValue): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'json':
      return true;
  }
}

type IssueSink = { addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[] }): void };

/** Every variant a serve names must exist. */
function checkServeVariants(serve: Serve, variants: ReadonlySet<string>, path: PropertyKey[], ctx: IssueSink): void {
  if ('split' in serve) {
    serve.split.forEach((share, index) => {
      if (!variants.has(share.variant)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown variant "${share.variant}"`,
          path: [...path, 'split', index],
        });
      }
    });
  } else if (!variants.has(serve.variant)) {
    ctx.addIssue({ code: 'custom', message: `unknown variant "${serve.variant}"`, path: [...path, 'variant'] });
  }
}

/** Cross-field checks of a flag: unique keys, existing variant references, values of the flag's type. */
function checkFlag(flag: Flag, ctx: IssueSink): void {
  const variants = new Set<string>();
  flag.variants.forEach((variant, index) => {
    if (variants.has(variant.key)) {
      ctx.addIssue({ code: 'custom', message: `duplicate variant key "${variant.key}"`, path: ['variants', index] });
    }
    variants.add(variant.key);
    if (!valueMatchesType(flag.type, variant.value)) {
      ctx.addIssue({
        code: 'custom',
        message: `value of variant "${variant.key}" is not a ${flag.type}`,
        path: ['variants', index, 'value'],
      });
    }
  });
  if (!variants.has(flag.offVariant)) {
    ctx.addIssue({ code: 'custom', message: `unknown variant "${flag.offVariant}"`, path: ['offVariant'] });
  }
  checkServeVariants(flag.defaultServe, variants, ['defaultServe'], ctx);
  const ruleIds = new Set<string>();
  flag.rules.forEach((rule, index) => {
    if (ruleIds.has(rule.id)) {
      ctx.addIssue({ code: 'custom', message: `duplicate rule id "${rule.id}"`, path: ['rules', index, 'id'] });
    }
    ruleIds.add(rule.id);
    checkServeVariants(rule.serve, variants, ['rules', index, 'serve'], ctx);
  });
}

/** A complete, internally consistent flag (see core-api.md for the list of checks). */
export const flagSchema: z.ZodType<Flag> = z
  .object({
    key,
    type: flagTypeSchema,
    variants: z.array(variantSchema).min(1),
    enabled: z.boolean(),
    offVariant: key,
    defaultServe: serveSchema,
    rules: z.array(ruleSchema),
    prerequisites: z.array(prerequisiteSchema),
    salt: z.string().optional(),
    version: z.number().int().min(0),
    clientSide: z.boolean().optional(),
  })
  .superRefine(checkFlag);
