import { z } from 'zod';
import { keySchema, nameSchema, timestampSchema } from '../../http/schemas.js';

/** `flag_config.killed`, `flag_config.*` or `*`. */
const eventPatternSchema = z
  .string()
  .regex(/^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$/, 'must be an event type like flag_config.killed, flag_config.* or *');

const urlSchema = z.string().max(2_000).describe('http:// or https:// URL the events are POSTed to');

export const webhookParamsSchema = z.object({ id: z.uuid() });
export const deliveryParamsSchema = z.object({ id: z.uuid(), delivery: z.uuid() });

export const createWebhookBodySchema = z.strictObject({
  name: nameSchema,
  url: urlSchema,
  format: z.enum(['json', 'slack']).default('json').describe('`slack`: a `{ text }` body for Slack-compatible chats'),
  project: keySchema.nullable().default(null).describe('Only changes of this project (null: every change)'),
  environments: z.array(keySchema).max(100).default([]).describe('Only changes in these environments (empty: any)'),
  events: z
    .array(eventPatternSchema)
    .max(100)
    .default([])
    .describe(
      'Only these event types (empty: all): audit actions such as `flag_config.killed`, `schedule.created`, and ' +
        "release plans' `release_plan.started`, `.gate_reached`, `.completed`, `.rolled_back` (a guard failed: " +
        'the failing verdicts and their evidence are in `after.outcome`), `.paused`, `.resumed`, `.aborted`',
    ),
  enabled: z.boolean().default(true),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const updateWebhookBodySchema = z
  .strictObject({
    name: nameSchema.optional(),
    url: urlSchema.optional(),
    format: z.enum(['json', 'slack']).optional(),
    project: keySchema.nullable().optional(),
    environments: z.array(keySchema).max(100).optional(),
    events: z.array(eventPatternSchema).max(100).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateWebhookBody = z.infer<typeof updateWebhookBodySchema>;

export const webhookResponseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    url: z.string(),
    format: z.enum(['json', 'slack']),
    project: z.string().nullable(),
    environments: z.array(z.string()),
    events: z.array(z.string()),
    enabled: z.boolean(),
    secretPrefix: z.string().describe('The first characters of the signing secret'),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof webhookResponseSchema>;

export const createdWebhookResponseSchema = webhookResponseSchema.extend({
  secret: z.string().describe('The signing secret: shown this once, never again'),
});

export const webhookListResponseSchema = z.object({ items: z.array(webhookResponseSchema) });

export const deliveryResponseSchema = z
  .object({
    id: z.uuid(),
    eventType: z.string(),
    auditEventId: z.string(),
    state: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    redeliveryOf: z.uuid().nullable(),
    createdAt: timestampSchema,
    lastAttemptAt: timestampSchema.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryListResponseSchema = z.object({ items: z.array(deliveryResponseSchema) });
export const deliveryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Newest first'),
});
