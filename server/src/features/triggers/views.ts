import type { TriggerView } from './schemas.js';
import type { TriggerRow } from './store.js';

/** A trigger as listings show it: never the secret, never the hash. */
export function triggerView(row: TriggerRow): TriggerView {
  return {
    id: row.id,
    name: row.name,
    project: row.project.key,
    flag: row.flag.key,
    environment: row.environment.key,
    restoreOnResolve: row.restoreOnResolve,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastTriggeredAt: row.lastTriggeredAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
