import type { Actor, UserPrincipal } from '../../auth/principal.js';
import type { Credential } from '../../auth/authenticator.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { notFound } from '../../http/errors.js';
import { userRights } from '../users/rights.js';
import { userWithRightsColumns } from '../users/store.js';
import type { SessionView } from '../users/schemas.js';
import { sessionView } from '../users/views.js';
import { csrfTokenFor, generateSessionSecret, hashSessionSecret, isWellFormedSessionSecret } from './session-secret.js';

/** How sessions expire; from the configuration (`sessionIdleTimeoutMs`, `sessionMaxAgeMs`). */
export interface SessionLifetimes {
  idleTimeoutMs: number;
  maxAgeMs: number;
}

export interface SessionsDeps extends ChangeDeps, SessionLifetimes {
  now?: () => number;
  /** Where failures of the background `lastSeenAt` writes go. */
  onError?: (error: unknown) => void;
}

/** A session just opened: the secret goes into the cookie, and nowhere else. */
export interface OpenedSession {
  id: string;
  secret: string;
  csrfToken: string;
  expiresAt: Date;
}

/** `lastSeenAt` moves at most this often per session (the idle expiry is this coarse). */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Server-side sessions. The cookie holds a random secret, the database its SHA-256, so a leaked
 * table signs nobody in. Every request reads the session (with its user and memberships) from
 * Postgres, uncached: revoking a session, signing a user out everywhere or disabling them takes
 * effect on every replica at the next request, with no cache to evict. A session ends at its
 * absolute expiry, after `idleTimeoutMs` without a request, when revoked, or when its user is
 * disabled.
 */
export class Sessions {
  readonly #deps: SessionsDeps;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(deps: SessionsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#onError = deps.onError ?? (() => {});
  }

  /**
   * Opens a new session for `userId` (always a new id and secret: a presented cookie is never
   * adopted, so a session fixed by an attacker before sign-in is worth nothing). The OIDC sign-in
   * calls this too, through `startSession` (session-cookie.ts), which also sets the cookie.
   */
  async open(
    userId: string,
    meta: { method: string; userAgent?: string | null; ip?: string | null },
  ): Promise<OpenedSession> {
    const secret = generateSessionSecret();
    const now = new Date(this.#now());
    const expiresAt = new Date(now.getTime() + this.#deps.maxAgeMs);
    const row = await this.#deps.prisma.userSession.create({
      data: {
        userId,
        hash: hashSessionSecret(secret),
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        method: meta.method,
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
        ip: meta.ip ?? null,
      },
      select: { id: true },
    });
    return { id: row.id, secret, csrfToken: csrfTokenFor(secret), expiresAt };
  }

  /** The signed-in user for a session cookie's value, or null (unknown, expired, revoked, user disabled). */
  async authenticate(credential: Credential): Promise<UserPrincipal | null> {
    if (credential.type !== 'session' || !isWellFormedSessionSecret(credential.secret)) return null;
    const row = await this.#deps.prisma.userSession.findUnique({
      where: { hash: hashSessionSecret(credential.secret) },
      select: { id: true, expiresAt: true, lastSeenAt: true, revokedAt: true, user: { select: userWithRightsColumns } },
    });
    const now = this.#now();
    if (!row || row.revokedAt !== null || row.user.disabledAt !== null) return null;
    if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + this.#deps.idleTimeoutMs <= now) return null;
    if (now - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) this.#touch(row.id, now);
    const { user } = row;
    return {
      kind: 'user',
      id: user.id,
      display: user.displayName || user.email,
      via: 'session',
      sessionId: row.id,
      csrfToken: csrfTokenFor(credential.secret),
      ...userRights(user),
    };
  }

  /** Ends one session (sign-out); audited as `session.revoked` by `actor`. */
  async revoke(actor: Actor, sessionId: string): Promise<void> {
    await inChangeTransaction(this.#deps, async (tx, record) => {
      const { count } = await tx.userSession.updateMany({
        where: { id: sessionId, revokedAt: null },
        data: { revokedAt: new Date(this.#now()) },
      });
      if (count === 0) return;
      await record({ actor, projectId: null, action: 'session.revoked', targetType: 'session', targetKey: sessionId });
    });
  }

  /**
   * Ends one session of `userId` (a person signing out one of their browsers); audited as
   * `session.revoked`. False when `sessionId` is no active session of theirs (someone else's,
   * ended, unknown): nothing changes.
   */
  async revokeOf(actor: Actor, userId: string, sessionId: string): Promise<boolean> {
    return inChangeTransaction(this.#deps, async (tx, record) => {
      const now = new Date(this.#now());
      const { count } = await tx.userSession.updateMany({
        where: { id: sessionId, userId, revokedAt: null, expiresAt: { gt: now } },
        data: { revokedAt: now },
      });
      if (count === 0) return false;
      await record({ actor, projectId: null, action: 'session.revoked', targetType: 'session', targetKey: sessionId });
      return true;
    });
  }

  /** Ends every session of `userId` ("sign out everywhere"); audited once, with how many ended. */
  async revokeAllOf(actor: Actor, userId: string): Promise<number> {
    return inChangeTransaction(this.#deps, async (tx, record) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw notFound(`No user with id '${userId}'`);
      const { count } = await tx.userSession.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: new Date(this.#now()) },
      });
      await record({
        actor,
        projectId: null,
        action: 'user.sessions_revoked',
        targetType: 'user',
        targetKey: userId,
        after: { revokedSessions: count },
      });
      return count;
    });
  }

  /** The user's sessions that are still usable, newest first. */
  async listActiveOf(userId: string): Promise<SessionView[]> {
    const now = this.#now();
    const rows = await this.#deps.prisma.userSession.findMany({
      where: {
        userId,
        revokedAt: null,
        expiresAt: { gt: new Date(now) },
        lastSeenAt: { gt: new Date(now - this.#deps.idleTimeoutMs) },
      },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map(sessionView);
  }

  /** Waits for background `lastSeenAt` writes (call before closing the database). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  #touch(id: string, now: number): void {
    // Off the request path, and conditional: a revoked session is never brought back to life.
    const write = this.#deps.prisma.userSession
      .updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt: new Date(now) } })
      .catch(this.#onError)
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }
}
