import type { Principal, Rights } from '../../auth/principal.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { forbidden } from '../../http/errors.js';
import { rightsOf } from '../tokens/active-tokens.js';
import { capRights, userRights } from '../users/rights.js';
import { userWithRightsColumns } from '../users/store.js';

/**
 * The credential an admin stream was opened with, by id: what must still be valid for the stream
 * to go on, and whose rights decide which projects' changes it gets.
 */
export type StreamHolder =
  | { kind: 'token'; id: string }
  | { kind: 'session'; id: string; userId: string }
  | { kind: 'pat'; id: string; userId: string };

/** The holder of a stream opened by `principal`. */
export function holderOf(principal: Principal): StreamHolder {
  if (principal.kind === 'token') return { kind: 'token', id: principal.id };
  if (principal.via === 'session' && principal.sessionId !== undefined) {
    return { kind: 'session', id: principal.sessionId, userId: principal.id };
  }
  if (principal.via === 'pat' && principal.tokenId !== undefined) {
    return { kind: 'pat', id: principal.tokenId, userId: principal.id };
  }
  throw forbidden('This sign-in (neither an API token, a session nor a personal token) cannot hold an event stream');
}

/** Streams one principal (an API token, or a person across their sessions and tokens) may hold on one replica. */
export function limitKeyOf(holder: StreamHolder): string {
  return holder.kind === 'token' ? `token:${holder.id}` : `user:${holder.userId}`;
}

/**
 * The holder's rights now, read from Postgres, or null when its credential no longer works: token
 * revoked or expired, session signed out or expired (absolute or idle), user disabled. Read without
 * touching `lastSeenAt`/`lastUsedAt`: an open stream is not activity, so it keeps no session alive.
 * Membership changes show here too, so the stream's project filter follows them.
 */
export async function currentRights(
  prisma: PrismaClient,
  holder: StreamHolder,
  options: { now: number; sessionIdleTimeoutMs: number },
): Promise<Rights | null> {
  const { now } = options;
  const expired = (at: Date | null) => at !== null && at.getTime() <= now;
  switch (holder.kind) {
    case 'token': {
      const row = await prisma.apiToken.findUnique({ where: { id: holder.id } });
      if (!row || row.revokedAt !== null || expired(row.expiresAt)) return null;
      return rightsOf(row);
    }
    case 'session': {
      const row = await prisma.userSession.findUnique({
        where: { id: holder.id },
        select: { expiresAt: true, lastSeenAt: true, revokedAt: true, user: { select: userWithRightsColumns } },
      });
      if (!row || row.revokedAt !== null || row.user.disabledAt !== null || expired(row.expiresAt)) return null;
      if (row.lastSeenAt.getTime() + options.sessionIdleTimeoutMs <= now) return null;
      return userRights(row.user);
    }
    case 'pat': {
      const row = await prisma.personalToken.findUnique({
        where: { id: holder.id },
        select: {
          projectId: true,
          role: true,
          expiresAt: true,
          revokedAt: true,
          user: { select: userWithRightsColumns },
        },
      });
      if (!row || row.revokedAt !== null || row.user.disabledAt !== null || expired(row.expiresAt)) return null;
      return capRights(userRights(row.user), { projectId: row.projectId, role: row.role });
    }
  }
}
