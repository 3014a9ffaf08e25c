import { systemPrincipal } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { refreshTokenNameKeys } from './name-keys.js';
import * as store from './store.js';
import { CONFIGURED_ADMIN_TOKEN_NAME, GENERATED_ADMIN_TOKEN_NAME } from './token-names.js';
import { generateTokenSecret, hashTokenSecret, tokenPrefix } from './token-secret.js';

/** What `ensureAdminToken` did. */
export type AdminTokenBootstrap =
  /** An active admin token already existed (and `configured`, if given, was one of them). */
  | { outcome: 'existing' }
  /** The configured token (SWITCHYARD_ADMIN_TOKEN) was stored; the operator already knows it. */
  | { outcome: 'configured'; tokenId: string }
  /** A new token was generated; `secret` must be shown to the operator now, it is never shown again. */
  | { outcome: 'generated'; tokenId: string; secret: string; configuredWasRevoked: boolean };

/** The bootstrap's changes are the system's (kind `system`, id `bootstrap`), never a token's. */
export const BOOTSTRAP_ACTOR = systemPrincipal('bootstrap');

/**
 * Makes sure someone can administer the server:
 * - `configured` given and unknown → stored as an admin token named "admin (SWITCHYARD_ADMIN_TOKEN)";
 * - `configured` given and already stored, active → nothing to do;
 * - `configured` given but revoked → it stays revoked (revocation wins over configuration); if no
 *   other admin token is active, a new one is generated;
 * - nothing configured and no active admin token → one is generated.
 * The tokens made here are the instance owner's (`instance_role = 'owner'`).
 * Creations are audited as the system's (`system:bootstrap`). Replicas starting at once take turns
 * (advisory lock). First, active tokens' name keys are brought up to date (`refreshTokenNameKeys`).
 * A server-given name that an active token already has gets a number (`admin (generated) 2`).
 */
export async function ensureAdminToken(deps: ChangeDeps, configured?: string): Promise<AdminTokenBootstrap> {
  return inChangeTransaction(deps, async (tx, record) => {
    // Replicas starting together would otherwise both create the token (or both generate one).
    await store.lockBootstrap(tx);
    await refreshTokenNameKeys(tx, record, BOOTSTRAP_ACTOR);
    let configuredWasRevoked = false;
    if (configured !== undefined) {
      const hash = hashTokenSecret(configured);
      const existing = await store.findTokenByHash(tx, hash);
      if (existing && existing.revokedAt === null) return { outcome: 'existing' };
      if (!existing) {
        const row = await store.insertToken(tx, {
          name: await freeName(tx, CONFIGURED_ADMIN_TOKEN_NAME),
          kind: 'admin',
          instanceRole: 'owner',
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
      name: await freeName(tx, GENERATED_ADMIN_TOKEN_NAME),
      kind: 'admin',
      instanceRole: 'owner',
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

/** `base`, or `base 2`, `base 3`, … when an active token has that name (token writes are locked). */
async function freeName(tx: Prisma.TransactionClient, base: string): Promise<string> {
  let name = base;
  for (let n = 2; await store.activeNameTaken(tx, name); n++) name = `${base} ${n}`;
  return name;
}
