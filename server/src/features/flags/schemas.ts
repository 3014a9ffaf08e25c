import { flagTypeSchema, variantSchema } from '@switchyard/core/schema';
import { z } from 'zod';
import {
  descriptionSchema,
  flagSegmentKeySchema,
  nameSchema,
  pathKeySchema,
  timestampSchema,
} from '../../http/schemas.js';
import { writableVariantSchema } from './variant-value-depth.js';

const tagSchema = z.string().min(1).max(50);
const tagsSchema = z.array(tagSchema).max(50);

export const flagParamsSchema = z.object({ project: pathKeySchema, flag: pathKeySchema });
export const projectParamsSchema = z.object({ project: pathKeySchema });

/** POST /projects/:project/flags. `variants` defaults to on=true / off=false for boolean flags. */
export const createFlagBodySchema = z.strictObject({
  key: flagSegmentKeySchema,
  name: nameSchema,
  description: descriptionSchema.default(''),
  type: flagTypeSchema,
  variants: z.array(writableVariantSchema).min(1).max(100).optional(),
  tags: tagsSchema.default([]),
  clientSide: z.boolean().default(false),
  /** Hash salt; absent = the flag key. */
  salt: z.string().min(1).max(200).optional(),
});
export type CreateFlagBody = z.infer<typeof createFlagBodySchema>;

/** PATCH /projects/:project/flags/:flag: every field optional; absent = unchanged. */
export const updateFlagBodySchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema,
    tags: tagsSchema,
    clientSide: z.boolean(),
    variants: z.array(writableVariantSchema).min(1).max(100),
  })
  .partial();
export type UpdateFlagBody = z.infer<typeof updateFlagBodySchema>;

/** Largest page of GET /flags lists: the console reads 10,000 flags in ten requests. */
export const MAX_FLAG_PAGE = 1000;

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * GET /projects/:project/flags. Paginate with `cursor` (opaque, from the previous page's
 * `nextCursor`) or with `offset`, not both. `archived` absent = only live (non-archived) flags.
 */
export const listFlagsQuerySchema = z.object({
  tag: z.string().min(1).optional(),
  q: z.string().min(1).max(200).optional(),
  archived: booleanQuery.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_FLAG_PAGE).default(50),
  cursor: z.string().min(1).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  include: z
    .enum(['environments'])
    .optional()
    .describe("`environments`: each flag also carries its state in every environment (as GET /flags/:flag's)"),
});
export type ListFlagsQuery = z.infer<typeof listFlagsQuerySchema>;

/** GET /flags: live flags of every project whose key, name or description contains `q`. */
export const searchFlagsQuerySchema = z.object({
  q: z.string().min(1).max(200).describe('Case-insensitive text in the key, name or description'),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});
export type SearchFlagsQuery = z.infer<typeof searchFlagsQuerySchema>;

export const flagResponseSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    type: flagTypeSchema,
    variants: z.array(variantSchema),
    tags: z.array(z.string()),
    clientSide: z.boolean(),
    salt: z.string().nullable(),
    archived: z.boolean(),
    archivedAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Flag' });
export type FlagResponse = z.infer<typeof flagResponseSchema>;

/** One environment's state of a flag, as summarised in GET /flags/:flag. */
export const flagEnvironmentSummarySchema = z.object({
  environment: z.string(),
  enabled: z.boolean(),
  version: z.number().int(),
  killed: z.boolean(),
});

/** A list item's environment state: the summary plus what its rules do (for list filters and pills). */
export const flagEnvironmentStatusSchema = flagEnvironmentSummarySchema
  .extend({
    rules: z.number().int().describe('How many targeting rules the configuration has'),
    rolloutPercents: z
      .array(z.number())
      .describe('The percentage (0-100, in percent, not basis points) of each rule that has a rollout, in rule order'),
  })
  .meta({ id: 'FlagEnvironmentStatus' });
export type FlagEnvironmentStatus = z.infer<typeof flagEnvironmentStatusSchema>;

/** When SDKs last reported evaluating the flag (usage metrics, any environment); null = never. */
const lastEvaluatedAtSchema = timestampSchema.nullable().describe('Last evaluation SDKs reported, any environment');

export const flagDetailResponseSchema = flagResponseSchema.extend({
  lastEvaluatedAt: lastEvaluatedAtSchema,
  environments: z.array(flagEnvironmentSummarySchema),
});

export const flagListResponseSchema = z.object({
  items: z.array(
    flagResponseSchema.extend({
      lastEvaluatedAt: lastEvaluatedAtSchema,
      environments: z
        .array(flagEnvironmentStatusSchema)
        .optional()
        .describe('With `include=environments` only: the state in each environment, by environment key'),
    }),
  ),
  nextCursor: z.string().nullable(),
  total: z.number().int().describe('How many flags match the filters, on every page together (the same on each page)'),
});

export const flagSearchResponseSchema = z.object({
  items: z
    .array(
      flagResponseSchema.extend({
        project: z.string().describe('Project key'),
        environments: z.array(flagEnvironmentStatusSchema),
      }),
    )
    .describe('Ordered by project key, then flag key'),
});
