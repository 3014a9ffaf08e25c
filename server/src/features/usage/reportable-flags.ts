import { isFlagKey } from '@switchyard/core/schema';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ReportScope } from './service.js';

/** A flag an SDK report may count: its id and the variant keys it defines. */
export interface ReportableFlag {
  id: string;
  variants: Set<string>;
}

/**
 * The flags among `keys` that the scope may report (usage counts and tracked events alike), by
 * key: the project's flags, and for a client token only its client-side, unarchived ones.
 */
export async function reportableFlags(
  prisma: PrismaClient,
  scope: ReportScope,
  keys: string[],
): Promise<Map<string, ReportableFlag>> {
  // A key that is not a key's shape cannot exist (and a NUL in it would make Postgres fail).
  const candidates = keys.filter(isFlagKey);
  if (candidates.length === 0) return new Map();
  const rows = await prisma.flag.findMany({
    where: {
      projectId: scope.projectId,
      key: { in: candidates },
      ...(scope.clientSideOnly ? { clientSide: true, archivedAt: null } : {}),
    },
    select: { id: true, key: true, variants: true },
  });
  return new Map(rows.map((row) => [row.key, { id: row.id, variants: variantKeys(row.variants) }]));
}

/** The keys of a flag's `variants` column (core `Variant[]`). */
export function variantKeys(variants: unknown): Set<string> {
  const keys = new Set<string>();
  if (!Array.isArray(variants)) return keys;
  for (const variant of variants) {
    const key = (variant as { key?: unknown } | null)?.key;
    if (typeof key === 'string') keys.add(key);
  }
  return keys;
}
