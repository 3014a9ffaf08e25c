import type { Prisma } from '../../generated/prisma/client.js';
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
  project: { select: { key: true } },
  environment: { select: { key: true } },
} as const satisfies Prisma.ApiTokenSelect;
export type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof tokenColumns }>;

export function listTokens(tx: Tx, options: { includeRevoked: boolean }): Promise<TokenRow[]> {
  return tx.apiToken.findMany({
    where: options.includeRevoked ? {} : { revokedAt: null },
    select: tokenColumns,
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
  },
): Promise<TokenRow> {
  return tx.apiToken.create({ data, select: tokenColumns });
}

export function revokeToken(tx: Tx, id: string, at: Date): Promise<TokenRow> {
  return tx.apiToken.update({ where: { id }, data: { revokedAt: at }, select: tokenColumns });
}

export function countActiveAdminTokens(tx: Tx): Promise<number> {
  return tx.apiToken.count({ where: { kind: 'admin', revokedAt: null } });
}
