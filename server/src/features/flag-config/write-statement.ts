import {
  recordChangeCtes,
  type ChangeInput,
  type RecordChangeColumns,
  type RecordedChange,
} from '../../changes/index.js';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { PREPARE, queryRows } from '../../db/index.js';
import type { FlagConfigRow } from '../flags/store.js';
import type { ConfigWrite } from './store.js';

/** Which row version a write was computed from; it lands only if both are still current. */
export interface WriteBase {
  flagId: string;
  /** `xmin` of the flag row read (see `ConfigTarget.flag`). */
  flagXmin: string;
  environmentId: string;
  environmentKey: string;
  /** `version` of the configuration row read. */
  version: number;
}

/** The change to record with the write; `after` is the written row (built in SQL). */
export type WriteRecord = Omit<ChangeInput, 'after'>;

const json = (value: unknown) => JSON.stringify(value);

/**
 * A configuration write and its change record (audit event, revision bump, outbox row) as ONE
 * statement, atomic without an interactive transaction: it takes the flag row FOR SHARE only if
 * the row is still the version the write was computed from (`xmin`: a definition change in between
 * would have to be re-validated against), updates the configuration only if it is still at
 * `base.version` (bumping it), and records the change only if that update happened. Under READ
 * COMMITTED a concurrent writer's row lock makes the statement wait and then re-check both
 * conditions against the committed rows, so nothing is overwritten with a stale copy.
 *
 * Returns the new row and what was recorded, or null when the flag or the configuration changed
 * (or went) since they were read: nothing was written, the caller re-reads under locks.
 */
export async function writeConfigIfCurrent(
  prisma: PrismaClient,
  base: WriteBase,
  write: ConfigWrite,
  record: WriteRecord,
): Promise<{ row: FlagConfigRow; recorded: RecordedChange } | null> {
  const after = Prisma.sql`jsonb_build_object('environment', ${base.environmentKey}::text,
    'enabled', written."enabled", 'offVariant', written."offVariant", 'defaultServe', written."defaultServe",
    'rules', written.rules, 'prerequisites', written.prerequisites, 'version', written.version,
    'killed', written."killedFrom" IS NOT NULL, 'killReason', written."killReason")`;
  const change = recordChangeCtes('written', { ...record, afterSql: after });
  const { state, killedFrom, killReason } = write;
  // The same text every time (one environment): prepared once per connection, see PREPARE.
  // The hot path of every toggle: straight to node-postgres in PostgreSQL mode (see queryRows).
  const rows = await queryRows<FlagConfigRow & RecordChangeColumns>(
    prisma,
    Prisma.sql`${Prisma.raw(PREPARE)}
    WITH flag AS (
      SELECT id FROM flags WHERE id = ${base.flagId}::uuid AND xmin = ${base.flagXmin}::xid FOR SHARE
    ), written AS (
      UPDATE flag_configs c SET enabled = ${state.enabled}, off_variant = ${state.offVariant},
        default_serve = ${json(state.defaultServe)}::jsonb, rules = ${json(state.rules)}::jsonb,
        prerequisites = ${json(state.prerequisites)}::jsonb,
        killed_from = ${killedFrom === null ? null : json(killedFrom)}::jsonb, kill_reason = ${killReason},
        version = c.version + 1, updated_at = now()
      FROM flag
      WHERE c.flag_id = flag.id AND c.environment_id = ${base.environmentId}::uuid AND c.version = ${base.version}
      RETURNING c.flag_id AS "flagId", c.environment_id AS "environmentId", c.enabled, c.off_variant AS "offVariant",
        c.default_serve AS "defaultServe", c.rules, c.prerequisites, c.version, c.killed_from AS "killedFrom",
        c.kill_reason AS "killReason", c.updated_at AS "updatedAt"
    ), ${change.ctes}
    SELECT written.*, ${change.columns} FROM written`,
  );
  const row = rows[0];
  if (!row) return null;
  const { audit_id: auditId, revisions, event_pending: eventPending, ...config } = row;
  return {
    row: config,
    recorded: change.recordedOf({ audit_id: auditId, revisions, event_pending: eventPending }),
  };
}
