import { percentRuleSchema, percentSchema, percentServeSchema, prerequisiteSchema } from '@switchyard/core/schema';
import { z } from 'zod';
import { pathKeySchema } from '../../http/schemas.js';

export const configParamsSchema = z.object({ project: pathKeySchema, flag: pathKeySchema, environment: pathKeySchema });
export const ruleParamsSchema = configParamsSchema.extend({ ruleId: z.string().min(1).max(200) });
export const flagParamsSchema = z.object({ project: pathKeySchema, flag: pathKeySchema });

/**
 * PUT body: the whole configuration of the flag in one environment, rollouts and splits in percent
 * (stored and sent to SDKs in basis points: see core's schema/percent.ts). Read-only fields of the
 * GET response (`version`, `killed`, `killReason`) are ignored, so a GET → edit → PUT round trip works.
 */
export const configBodySchema = z.object({
  enabled: z.boolean(),
  offVariant: z.string().min(1),
  defaultServe: percentServeSchema,
  rules: z.array(percentRuleSchema).max(1000).default([]),
  prerequisites: z.array(prerequisiteSchema).max(100).default([]),
});
export type ConfigBody = z.infer<typeof configBodySchema>;

const reasonSchema = z.string().trim().min(1, 'must not be empty').max(1000);

/** Optional body of on/off and restore: a reason for the audit log. */
export const optionalReasonBodySchema = z.strictObject({ reason: reasonSchema.optional() }).nullish();

/** POST …/rules/:ruleId/rollout: the share of matching units the rule serves, in percent. */
export const rolloutBodySchema = z.strictObject({
  percent: percentSchema,
  reason: reasonSchema.optional(),
});

/** POST …/kill: why the flag is being killed; required, it goes to the audit log. */
export const killBodySchema = z.strictObject({ reason: reasonSchema });

/** 202 of a kill accepted while the database was unreachable (see deferred-kills.ts). */
export const pendingKillResponseSchema = z
  .object({
    pending: z.literal(true),
    id: z.string().describe('Idempotency id; the audit event recorded later names it in its reason'),
    flag: z.string(),
    environment: z.string(),
    acceptedAt: z.string().describe('ISO 8601'),
    revision: z.number().int().describe('The revision SDKs are served with the kill applied'),
  })
  .describe('Accepted while the database is unreachable: served to SDKs now, recorded once the database is back');

export const ifMatchHeadersSchema = z.object({
  'if-match': z.string().optional().describe('The ETag of the configuration being replaced, e.g. "3"'),
});

export const configResponseSchema = z
  .object({
    environment: z.string(),
    enabled: z.boolean(),
    offVariant: z.string(),
    defaultServe: percentServeSchema,
    rules: z.array(percentRuleSchema),
    prerequisites: z.array(prerequisiteSchema),
    version: z.number().int().describe('Also sent as the ETag; send it back in If-Match to PUT'),
    killed: z.boolean().describe('Killed by the kill switch and not restored or edited since'),
    killReason: z.string().nullable(),
  })
  .meta({ id: 'FlagConfig' });
export type ConfigResponse = z.output<typeof configResponseSchema>;

export const configListResponseSchema = z.object({ items: z.array(configResponseSchema) });
