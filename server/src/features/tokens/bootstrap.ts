import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import * as store from './store.js';
import { generateTokenSecret, hashTokenSecret, tokenPrefix } from './token-secret.js';

/** What `ensureAdminToken` did. */
export type AdminTokenBootstrap =
  /** An active admin token already existed (and `configured`, if given, was one of them). */
  | { outcome: 'existing' }
  /** The configured token (SWITCHYARD_ADMIN_TOKEN) was stored; the operator already knows it. */
  | { outcome: 'configured'; tokenId: string }
  /** A new token was generated; `secret` must be shown to the operator now, it is never shown again. */
  | { outcome: 'generated'; tokenId: string; secret: string; configuredWasRevoked: boolean };

export const BOOTSTRAP_ACTOR = 'system:bootstrap';

/**
 * Makes sure someone can administer the server:
 * - `configured` given and unknown → stored as an admin token named "admin (SWITCHYARD_ADMIN_TOKEN)";
 * - `configured` given and already stored, active → nothing to do;
 * - `configured` given but revoked → it stays revoked (revocation wins over configuration); if no
 *   other admin token is active, a new one is generated;
 * - nothing configured and no active admin token → one is generated.
 * Creations are audited with actor `system:bootstrap`. Replicas starting at once take turns (advisory lock).
 */
export async function ensureAdminToken(deps: ChangeDeps, configured?: string): Promise<AdminTokenBootstrap> {
  return inChangeTransaction(deps, async (tx, record) => {
    // Replicas starting together would otherwise both create the token (or both generate one).
    await store.lockBootstrap(tx);
    let configuredWasRevoked = false;
    if (configured !== undefined) {
      const hash = hashTokenSecret(configured);
      const existing = await store.findTokenByHash(tx, hash);
      if (existing && existing.revokedAt === null) return { outcome: 'existing' };
      if (!existing) {
        const row = await store.insertToken(tx, {
          name: 'admin (SWITCHYARD_ADMIN_TOKEN)',
          kind: 'admin',
          hash,
          prefix: tokenPrefix(configured),
        });
        await record({
          actor: BOOTSTRAP_ACTOR,
          projectId: null,
          action: 'token.created',
          targetType: 'token',
          targetKey: row.id,
          after: { id: row.id, name: row.name, kind: row.kind, prefix: row.prefix },
        });
        return { outcome: 'configured', tokenId: row.id };
      }
      configuredWasRevoked = true;
    }
    if ((await store.countActiveAdminTokens(tx)) > 0) return { outcome: 'existing' };
    const secret = generateTokenSecret('admin');
    const row = await store.insertToken(tx, {
      name: 'admin (generated)',
      kind: 'admin',
      hash: hashTokenSecret(secret),
      prefix: tokenPrefix(secret),
    });
    await record({
      actor: BOOTSTRAP_ACTOR,
      projectId: null,
      action: 'token.created',
      targetType: 'token',
      targetKey: row.id,
      after: { id: row.id, name: row.name, kind: row.kind, prefix: row.prefix },
    });
    return { outcome: 'generated', tokenId: row.id, secret, configuredWasRevoked };
  });
}
