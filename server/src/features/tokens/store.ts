import type { Prisma } from '../../generated/prisma/client.js';
import { tokenNameKey } from './token-names.js';
import type { TokenKind } from './token-secret.js';

type Tx = Prisma.TransactionClient;

/** Everything about a token but its hash, plus the keys of its project and environment. */
export const tokenColumns = {
  id: true,
  name: true,
  kind: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  role: true,
  instanceRole: true,
  expiresAt: true,
  project: { select: { key: true } },
  environment: { select: { key: true } },
} as const satisfies Prisma.ApiTokenSelect;
export type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof tokenColumns }>;

export function listTokens(
  tx: Tx,
  options: { includeRevoked: boolean },
): Promise<(TokenRow & { projectId: string | null })[]> {
  return tx.apiToken.findMany({
    where: options.includeRevoked ? {} : { revokedAt: null },
    select: { ...tokenColumns, projectId: true },
    orderBy: { createdAt: 'asc' },
  });
}

export function findToken(tx: Tx, id: string): Promise<(TokenRow & { projectId: string | null }) | null> {
  return tx.apiToken.findUnique({ where: { id }, select: { ...tokenColumns, projectId: true } });
}

export function findTokenByHash(tx: Tx, hash: string) {
  return tx.apiToken.findUnique({ where: { hash }, select: { id: true, kind: true, revokedAt: true } });
}

export function insertToken(
  tx: Tx,
  data: {
    name: string;
    kind: TokenKind;
    hash: string;
    prefix: string;
    projectId?: string | null;
    environmentId?: string | null;
    /** Admin tokens: a project role (in `projectId`, or every project), or else an instance role. */
    role?: string | null;
    instanceRole?: string | null;
    expiresAt?: Date | null;
  },
): Promise<TokenRow> {
  // The key's unique index over active tokens refuses a duplicate name (P2002), race-free.
  return tx.apiToken.create({ data: { ...data, nameKey: tokenNameKey(data.name) }, select: tokenColumns });
}

/** Whether an active token's name has the same key as `name`. */
export async function activeNameTaken(tx: Tx, name: string): Promise<boolean> {
  return (await tx.apiToken.count({ where: { nameKey: tokenNameKey(name), revokedAt: null } })) > 0;
}

/** Active tokens, oldest first, with what `refreshTokenNameKeys` needs. */
export function listActiveTokenNames(tx: Tx) {
  return tx.apiToken.findMany({
    where: { revokedAt: null },
    select: { id: true, name: true, nameKey: true, projectId: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export async function setTokenName(tx: Tx, id: string, data: { name: string; nameKey: string }): Promise<void> {
  await tx.apiToken.update({ where: { id }, data, select: { id: true } });
}

/**
 * Blocks token writes (creations, revocations, renames) of other transactions until this one ends;
 * reads, and so authentication, go on.
 */
export async function lockTokenWrites(tx: Tx): Promise<void> {
  await tx.$executeRaw`LOCK TABLE api_tokens IN SHARE ROW EXCLUSIVE MODE`;
}

export function revokeToken(tx: Tx, id: string, at: Date): Promise<TokenRow> {
  return tx.apiToken.update({ where: { id }, data: { revokedAt: at }, select: tokenColumns });
}

/** Active admin tokens with instance-wide power (no project role), expired ones included. */
export function countActiveAdminTokens(tx: Tx): Promise<number> {
  return tx.apiToken.count({ where: { kind: 'admin', role: null, revokedAt: null } });
}

/**
 * Counts the active instance-level admin tokens (no project role) and locks their rows until the
 * transaction ends, so two concurrent revocations cannot both see "another admin is left" and
 * revoke the last two. Project-scoped admin tokens do not count: they cannot administer the server.
 */
export async function lockActiveAdminTokens(tx: Tx): Promise<number> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM api_tokens WHERE kind = 'admin' AND role IS NULL AND revoked_at IS NULL FOR UPDATE`;
  return rows.length;
}

/** Arbitrary constant: the advisory lock that serializes admin-token bootstraps across replicas. */
const BOOTSTRAP_LOCK_KEY = 0x5357_0001;

/** Waits until no other replica is bootstrapping; held until the transaction ends. */
export async function lockBootstrap(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`;
}
