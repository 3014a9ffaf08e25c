import { asProjectRole } from '../../auth/scopes.js';
import type { TokenView } from './schemas.js';
import type { TokenRow } from './store.js';

/** A token as listings show it: never the secret, never the hash. */
export function tokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    prefix: row.prefix,
    project: row.project?.key ?? null,
    environment: row.environment?.key ?? null,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    role: row.role === null ? null : asProjectRole(row.role),
    instanceRole: row.kind !== 'admin' || row.role !== null ? null : row.instanceRole === 'owner' ? 'owner' : 'admin',
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}
