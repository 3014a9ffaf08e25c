import { z } from 'zod';
import { PRINCIPAL_KINDS } from '../../auth/principal.js';
import { flagSegmentKeySchema, instantSchema, keySchema, pathKeySchema, timestampSchema } from '../../http/schemas.js';

export const MAX_AUDIT_LIMIT = 200;
/** Audit ids are PostgreSQL bigints. */
const MAX_BIGINT = 2n ** 63n - 1n;

/** An ISO-8601 date-time with `Z` or an offset, e.g. 2026-01-31T12:00:00Z, from 1970 to 9999 (UTC). */
const auditInstantSchema = instantSchema
  .transform((value) => new Date(value))
  .describe('ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z; 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z');

const filterFields = {
  flag: flagSegmentKeySchema.optional().describe('Flag key: changes to the flag and to its configurations'),
  environment: keySchema
    .optional()
    .describe('Environment key: changes to configurations in that environment (kills, rollouts, on/off)'),
  actor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("Display name of whoever made the change (a token's name, `system:<task>`); prefer actorId"),
  actorKind: z
    .enum([...PRINCIPAL_KINDS, 'unknown'])
    .optional()
    .describe('Kind of principal that made the change: token, system, user, or unknown (old events)'),
  actorId: z.string().min(1).max(200).optional().describe("The principal's id, e.g. a token id"),
  action: z.string().min(1).max(100).optional().describe('e.g. segment.updated, flag_config.killed'),
  from: auditInstantSchema.optional().describe('Only changes at or after this time'),
  to: auditInstantSchema.optional().describe('Only changes before this time'),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_LIMIT).default(50),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,18}$/, "must be a previous page's nextCursor")
    // zod runs this even when the regex failed: only compare digit strings.
    .refine((value) => !/^\d+$/.test(value) || BigInt(value) <= MAX_BIGINT, "must be a previous page's nextCursor")
    .optional()
    .describe("The previous page's nextCursor"),
};

/** `to` must come after `from` (an empty range is a mistake, not a query). */
const orderedRange = (query: { from?: Date | undefined; to?: Date | undefined }) =>
  query.from === undefined || query.to === undefined || query.from < query.to;
const orderedRangeError = { message: 'must be after from', path: ['to'] };

/** Filters and page of GET /audit. */
export const auditQuerySchema = z
  .object({ project: keySchema.optional().describe('Project key'), ...filterFields })
  .refine(orderedRange, orderedRangeError);
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** GET /projects/:project/audit: the same, with the project from the path. */
export const projectAuditQuerySchema = z.object(filterFields).refine(orderedRange, orderedRangeError);

export const projectAuditParamsSchema = z.object({ project: pathKeySchema });

export const principalSchema = z
  .object({
    kind: z
      .enum([...PRINCIPAL_KINDS, 'unknown'])
      .describe(
        '`token`: an API token (id = token id); `system`: the server itself (id = its task: `seed`, ' +
          '`bootstrap`, `migration`, or `trigger:<id>` for what a trigger did); `unknown`: an event recorded before principals were, whose token ' +
          'could not be told apart',
      ),
    id: z.string().nullable().describe('Identifies the principal within its kind; null only for `unknown`'),
    display: z.string().describe('For people; names can repeat over time, ids cannot'),
  })
  .describe('Who made the change')
  .meta({ id: 'Principal' });

export const auditEventSchema = z
  .object({
    id: z.string().describe('Increasing; a 64-bit integer as a string'),
    time: timestampSchema,
    actor: z
      .string()
      .describe("Display name of whoever made the change, as it was then (a token's name); see principal"),
    principal: principalSchema,
    action: z.string(),
    project: z.string().nullable().describe('Project key; null outside projects or for deleted projects'),
    target: z.object({ type: z.string(), key: z.string() }),
    environment: z.string().nullable(),
    before: z.unknown().describe('The target before the change; null for creations'),
    after: z.unknown().describe('The target after the change; null for deletions'),
    reason: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventView = z.output<typeof auditEventSchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema).describe('Newest first'),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next (older) page; null on the last page'),
});
export type AuditPage = z.output<typeof auditPageSchema>;
