import { percentSchema } from '@switchyard/core/schema';
import { z } from 'zod';
import { keySchema, pathKeySchema, timestampSchema } from '../../http/schemas.js';

const reasonSchema = z.string().trim().min(1, 'must not be empty').max(1000);

/** What a schedule does when it is due (the same changes as the configuration routes). */
export const scheduledChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('enable') }),
  z.strictObject({ kind: z.literal('disable') }),
  z.strictObject({ kind: z.literal('kill') }),
  z.strictObject({ kind: z.literal('restore') }),
  z.strictObject({
    kind: z.literal('percent'),
    ruleId: z.string().min(1).max(200),
    percent: percentSchema.describe("The rule's rollout in percent: 0..100, at most two decimals"),
  }),
  z.strictObject({
    kind: z.literal('start-plan'),
    planId: z.uuid().describe("A draft release plan of this flag in the schedule's environment"),
  }),
]);
export type ScheduledChange = z.infer<typeof scheduledChangeSchema>;

export const flagParamsSchema = z.object({ project: pathKeySchema, flag: pathKeySchema });
export const scheduleParamsSchema = z.object({ project: pathKeySchema, flag: pathKeySchema, id: z.uuid() });

export const createScheduleBodySchema = z.strictObject({
  environment: keySchema,
  at: z.iso.datetime({ offset: true }).describe('When to apply it: ISO-8601, in the future'),
  change: scheduledChangeSchema,
  reason: reasonSchema.optional().describe('Recorded with the change (required for a kill: a default is used)'),
});
export type CreateScheduleBody = z.infer<typeof createScheduleBodySchema>;

export const listSchedulesQuerySchema = z.object({
  state: z.enum(['pending', 'applied', 'cancelled', 'failed']).optional().describe('Only schedules in this state'),
});

export const scheduleResponseSchema = z
  .object({
    id: z.uuid(),
    flag: z.string(),
    environment: z.string(),
    at: timestampSchema,
    change: scheduledChangeSchema,
    reason: z.string().nullable(),
    state: z.enum(['pending', 'applied', 'cancelled', 'failed']),
    createdBy: z.object({ kind: z.string(), id: z.string(), display: z.string() }),
    auditEventId: z.string().nullable().describe('The audit event of the change, once applied'),
    error: z.string().nullable().describe('Why it failed (e.g. restore of a flag that was not killed)'),
    createdAt: timestampSchema,
    finishedAt: timestampSchema.nullable(),
  })
  .meta({ id: 'Schedule' });
export type ScheduleView = z.infer<typeof scheduleResponseSchema>;

export const scheduleListResponseSchema = z.object({ items: z.array(scheduleResponseSchema) });
