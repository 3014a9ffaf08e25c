import type { Database } from '../../src/db/index.js';

/**
 * `child → parent (environment)` for every live client-side flag (or only `childKey`) with a
 * prerequisite that is not client-side: what the client-side prerequisite rule must never allow.
 */
export async function clientSideViolations(db: Database, childKey?: string): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ violation: string }[]>`
    SELECT child.key || ' → ' || parent.key || ' (' || e.key || ')' AS violation
    FROM flags child
    JOIN flag_configs c ON c.flag_id = child.id
    JOIN environments e ON e.id = c.environment_id
    CROSS JOIN LATERAL jsonb_array_elements(c.prerequisites) AS prerequisite(value)
    JOIN flags parent ON parent.project_id = child.project_id AND parent.key = prerequisite.value->>'flagKey'
    WHERE (${childKey ?? null}::text IS NULL OR child.key = ${childKey ?? null})
      AND child.client_side AND child.archived_at IS NULL AND NOT parent.client_side`;
  return rows.map((row) => row.violation);
}
