import { conditionSchema } from '@switchyard/core/schema';
import { z } from 'zod';
import {
  descriptionSchema,
  flagSegmentKeySchema,
  nameSchema,
  pathKeySchema,
  timestampSchema,
} from '../../http/schemas.js';

export const projectParamsSchema = z.object({ project: pathKeySchema });
export const segmentParamsSchema = z.object({ project: pathKeySchema, segment: pathKeySchema });

/** Core conditions, checked by core's schema (operator value types, safe regexes, semvers, dates, CIDRs). */
const conditionsSchema = z.array(conditionSchema).max(1000);

/** POST /projects/:project/segments. `conditions` is required (an empty list matches everyone). */
export const createSegmentBodySchema = z.strictObject({
  key: flagSegmentKeySchema,
  name: nameSchema,
  description: descriptionSchema.default(''),
  conditions: conditionsSchema,
});
export type CreateSegmentBody = z.infer<typeof createSegmentBodySchema>;

/**
 * PATCH /projects/:project/segments/:segment: absent = unchanged. `key` is accepted only so that
 * a GET → edit → PATCH round trip works: it must equal the current key (keys never change).
 */
export const updateSegmentBodySchema = z
  .strictObject({
    key: z.string().optional(),
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    conditions: conditionsSchema.optional(),
  })
  .refine(
    (body) => body.name !== undefined || body.description !== undefined || body.conditions !== undefined,
    'give name, description and/or conditions',
  );
export type UpdateSegmentBody = z.infer<typeof updateSegmentBodySchema>;

export const segmentResponseSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    conditions: z.array(conditionSchema),
    version: z.number().int().describe('Bumped by every update'),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Segment' });
export type SegmentResponse = z.output<typeof segmentResponseSchema>;

/** A rule that uses a segment: it blocks the segment's deletion. */
export const segmentReferenceSchema = z
  .object({ flag: z.string(), environment: z.string(), ruleId: z.string() })
  .meta({ id: 'SegmentReference' });
export type SegmentReference = z.output<typeof segmentReferenceSchema>;

export const segmentDetailResponseSchema = segmentResponseSchema
  .extend({ references: z.array(segmentReferenceSchema).describe('Rules that use this segment') })
  .meta({ id: 'SegmentDetail' });
export type SegmentDetailResponse = z.output<typeof segmentDetailResponseSchema>;

export const segmentListResponseSchema = z.object({ items: z.array(segmentResponseSchema) });
