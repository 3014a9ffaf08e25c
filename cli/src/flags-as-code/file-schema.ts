/**
 * The flags-as-code file: what `export` writes and `apply` reads (YAML or JSON). Rollouts and
 * split shares are percent (0–100, two decimals); conditions are core conditions, checked with
 * core's own schema. Every object is strict: an unknown field is an error naming its line.
 */
import { conditionSchema } from '@switchyard/core/schema';
import { z } from 'zod';
import { isPercent, percentSum } from '../api/rollout.js';

/** The version of the file format; `export` writes it, `apply` requires it. */
export const FILE_VERSION = 1;

const key = z.string().min(1, 'must not be empty');
const percent = z.number().refine(isPercent, 'must be a percent: 0-100 with at most two decimals');

const rolloutSchema = z.strictObject({ percent, stickiness: key.optional() });
const shareSchema = z.strictObject({ variant: key, percent });
const serveSchema = z.union([
  z.strictObject({ variant: key }),
  z.strictObject({ split: z.array(shareSchema).min(1), stickiness: key.optional() }).superRefine((serve, ctx) => {
    const total = percentSum(serve.split);
    if (total !== 100)
      ctx.addIssue({ code: 'custom', message: `split percents sum to ${total}, not 100`, path: ['split'] });
  }),
]);

const ruleSchema = z.strictObject({
  id: key,
  description: z.string().optional(),
  conditions: z.array(conditionSchema).default([]),
  segments: z.array(key).default([]),
  rollout: rolloutSchema.optional(),
  serve: serveSchema,
});

const prerequisiteSchema = z.strictObject({ flagKey: key, variants: z.array(key).min(1) });

const environmentSchema = z.strictObject({
  enabled: z.boolean(),
  offVariant: key,
  defaultServe: serveSchema,
  rules: z.array(ruleSchema).default([]),
  prerequisites: z.array(prerequisiteSchema).default([]),
});

const variantSchema = z.strictObject({ key, value: z.json(), name: z.string().optional() });

const flagSchema = z.strictObject({
  key,
  name: key,
  description: z.string().default(''),
  type: z.enum(['boolean', 'string', 'number', 'json']),
  tags: z.array(key).default([]),
  clientSide: z.boolean().default(false),
  salt: key.optional(),
  variants: z.array(variantSchema).min(1).optional(),
  environments: z.record(key, environmentSchema).default({}),
});

const segmentSchema = z.strictObject({
  key,
  name: key,
  description: z.string().default(''),
  conditions: z.array(conditionSchema).default([]),
});

export const flagsFileSchema = z.strictObject({
  version: z.literal(FILE_VERSION),
  project: key,
  segments: z.array(segmentSchema).default([]),
  flags: z.array(flagSchema).default([]),
});

export type FlagsFile = z.output<typeof flagsFileSchema>;
export type FileFlag = FlagsFile['flags'][number];
export type FileSegment = FlagsFile['segments'][number];
export type FileEnvironment = FileFlag['environments'][string];
export type FileRule = FileEnvironment['rules'][number];
