import { z } from 'zod';
import { keySchema, nameSchema, pathKeySchema, timestampSchema } from '../../http/schemas.js';
import { alertmanagerPayloadSchema, genericTriggerBodySchema } from './alertmanager.js';

export const projectParams = z.object({ project: pathKeySchema });
export const triggerParams = z.object({ project: pathKeySchema, id: z.uuid('must be a trigger id (UUID)') });

export const createTriggerBody = z.strictObject({
  name: nameSchema.describe("What calls it (e.g. 'alertmanager: checkout error rate'); the audit log shows it"),
  flag: keySchema.describe('The flag it kills and restores'),
  environment: keySchema.describe('The one environment it acts in'),
  restoreOnResolve: z
    .boolean()
    .default(false)
    .describe("An Alertmanager 'resolved' notification restores the flag, if the current kill is this trigger's"),
});
export type CreateTriggerInput = z.output<typeof createTriggerBody>;

export const listTriggersQuery = z.object({
  flag: pathKeySchema.optional().describe('Only the triggers of this flag'),
  environment: pathKeySchema.optional().describe('Only the triggers acting in this environment'),
  includeRevoked: z.stringbool().default(false).describe('Also list revoked triggers'),
});
export type ListTriggersQuery = z.output<typeof listTriggersQuery>;

export const triggerView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    project: z.string(),
    flag: z.string(),
    environment: z.string(),
    restoreOnResolve: z.boolean(),
    prefix: z.string().describe('The first characters of the secret'),
    createdAt: timestampSchema,
    lastTriggeredAt: timestampSchema.nullable().describe('Last accepted call (acted on or not)'),
    revokedAt: timestampSchema.nullable(),
  })
  .meta({ id: 'Trigger' });
export type TriggerView = z.output<typeof triggerView>;

export const createdTriggerView = triggerView
  .extend({
    secret: z.string().describe('The secret. Shown once: store it now (only its hash is kept).'),
    path: z.string().describe('Where to POST: the API prefix, /triggers/incoming/ and the secret'),
  })
  .meta({ id: 'CreatedTrigger' });
export type CreatedTriggerView = z.output<typeof createdTriggerView>;

export const incomingParams = z.object({ secret: z.string().min(1).max(200) });

/**
 * Which of the two bodies a caller meant: Alertmanager's always carries `version`. A 400 then names
 * the first problem of that one (zod's own message for a failed union is only "Invalid input").
 */
function unionMessage(issue: {
  code?: string;
  input?: unknown;
  errors?: { path: PropertyKey[]; message: string }[][];
}) {
  if (issue.code !== 'invalid_union') return undefined;
  const alertmanager = typeof issue.input === 'object' && issue.input !== null && 'version' in issue.input;
  const what = alertmanager
    ? 'not an Alertmanager webhook payload (version 4)'
    : "neither an Alertmanager webhook payload nor { action: 'kill' | 'restore', reason? }";
  const first = issue.errors?.[alertmanager ? 0 : 1]?.[0];
  return first ? `${what}: ${first.path.map(String).join('.') || 'body'}: ${first.message}` : what;
}

export const incomingBody = z
  .union([alertmanagerPayloadSchema, genericTriggerBodySchema], { error: unionMessage })
  .describe("Alertmanager's webhook payload (version 4), or `{ action: 'kill' | 'restore', reason? }`");

export const TRIGGER_OUTCOMES = [
  'killed',
  'already_killed',
  'kill_pending',
  'restored',
  'not_restored',
  'ignored',
] as const;
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];

export const incomingResponse = z
  .object({
    outcome: z
      .enum(TRIGGER_OUTCOMES)
      .describe(
        'killed / restored: done and audited; already_killed / not_restored: nothing to do (nothing audited); ' +
          'kill_pending: the database is down, the kill is served from Redis and recorded once it is back; ' +
          "ignored: a 'resolved' notification for a trigger without restoreOnResolve",
      ),
    trigger: z.uuid(),
    flag: z.string(),
    environment: z.string(),
  })
  .meta({ id: 'TriggerOutcome' });
export type IncomingResponse = z.output<typeof incomingResponse>;
