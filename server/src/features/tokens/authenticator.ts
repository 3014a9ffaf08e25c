import { isDatabaseUnavailable } from '../../db/unavailable.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Authenticator, Credential } from '../../auth/authenticator.js';
import type { TokenPrincipal } from '../../auth/principal.js';
import { unauthorized } from '../../http/errors.js';
import { ActiveTokens, principalOf } from './active-tokens.js';
import { hashesEqual, hashTokenSecret } from './token-secret.js';

export interface TokenAuthenticatorOptions {
  /** How long a verified token is trusted without asking the database again. */
  cacheTtlMs?: number;
  /** `lastUsedAt` is written at most this often per token. */
  touchIntervalMs?: number;
  /** Where failures of the background `lastUsedAt` writes go. */
  onError?: (error: unknown) => void;
  now?: () => number;
}

const MAX_CACHE_ENTRIES = 10_000;

/**
 * Turns a presented secret into a `Principal` (or null). Verified tokens are cached for a few
 * seconds so hot SDK endpoints do not hit the database per request; `invalidate()` drops the cache
 * (called on revocation, and on deletions that cascade to tokens); `evict()` drops single tokens
 * when another replica announces a revocation. Without that announcement (a lost bus message),
 * another instance's revocation is seen after at most `cacheTtlMs`.
 */
export class TokenAuthenticator implements Authenticator {
  readonly #prisma: PrismaClient;
  readonly #cacheTtlMs: number;
  readonly #touchIntervalMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  readonly #cache = new Map<string, { principal: TokenPrincipal; expiresAt: number }>();
  readonly #lastTouched = new Map<string, number>();
  readonly #pendingTouches = new Set<Promise<unknown>>();
  /** Bumped by every eviction: a lookup that started before one must not cache what it read. */
  #evictions = 0;
  /** Every active token, for when Postgres is unreachable (see ActiveTokens). */
  readonly #active: ActiveTokens;

  constructor(prisma: PrismaClient, options: TokenAuthenticatorOptions = {}) {
    this.#prisma = prisma;
    this.#cacheTtlMs = options.cacheTtlMs ?? 5_000;
    this.#touchIntervalMs = options.touchIntervalMs ?? 60_000;
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#active = new ActiveTokens(prisma, { onError: this.#onError });
  }

  /**
   * The principal of a bearer credential, or null when it is not a bearer secret or is unknown or
   * revoked; an expired token is a 401 saying so (it is this authenticator's, and known).
   */
  async authenticate(credential: Credential): Promise<TokenPrincipal | null> {
    if (credential.type !== 'bearer') return null;
    const principal = await this.#verify(credential.secret);
    if (principal?.expiresAt !== undefined && principal.expiresAt.getTime() <= this.#now()) {
      throw unauthorized(`This API token expired at ${principal.expiresAt.toISOString()}`);
    }
    return principal;
  }

  async #verify(secret: string): Promise<TokenPrincipal | null> {
    const hash = hashTokenSecret(secret);
    const now = this.#now();
    this.#active.refreshIfStale(now);
    const cached = this.#cache.get(hash);
    if (cached && cached.expiresAt > now) {
      this.#touch(cached.principal.id, now);
      return cached.principal;
    }
    const evictions = this.#evictions;
    let row;
    try {
      row = await this.#prisma.apiToken.findUnique({ where: { hash } });
    } catch (error) {
      // Postgres unreachable: a token this instance verified before, or one that was active at the
      // last read of the list, keeps working (nobody can revoke it while the database is down);
      // anything else gets 503.
      const known = cached?.principal ?? this.#active.get(hash);
      if (known && isDatabaseUnavailable(error)) return known;
      throw error;
    }
    // The lookup matched on the hash already; the constant-time comparison keeps it that way even
    // if the lookup ever becomes a prefix or case-insensitive match.
    if (!row || row.revokedAt !== null || !hashesEqual(row.hash, hash)) {
      this.#cache.delete(hash);
      return null;
    }
    const principal = principalOf(row);
    if (this.#cache.size >= MAX_CACHE_ENTRIES) this.#cache.clear();
    if (evictions === this.#evictions) this.#cache.set(hash, { principal, expiresAt: now + this.#cacheTtlMs });
    this.#touch(row.id, now);
    return principal;
  }

  /** Forgets every cached verification. */
  invalidate(): void {
    this.#evictions++;
    this.#cache.clear();
    this.#active.clear();
  }

  /**
   * Forgets the cached verifications of the given tokens and of every token bound to the given
   * environments (revoked on another replica, or deleted with their environment or project), so
   * their next request asks the database.
   */
  evict(revoked: { tokenIds?: readonly string[]; environmentIds?: readonly string[] }): void {
    const tokenIds = new Set(revoked.tokenIds);
    const environmentIds = new Set(revoked.environmentIds);
    this.#evictions++;
    this.#active.evict(tokenIds, environmentIds);
    for (const [hash, { principal }] of this.#cache) {
      const environmentId = principal.environmentId;
      if (tokenIds.has(principal.id) || (environmentId !== undefined && environmentIds.has(environmentId))) {
        this.#cache.delete(hash);
      }
    }
  }

  /** Waits for background `lastUsedAt` writes (call before closing the database). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pendingTouches, this.#active.idle()]);
  }

  #touch(tokenId: string, now: number): void {
    const last = this.#lastTouched.get(tokenId);
    if (last !== undefined && now - last < this.#touchIntervalMs) return;
    this.#lastTouched.set(tokenId, now);
    // Off the request path: the answer does not wait for this write.
    const write = this.#prisma.apiToken
      .updateMany({ where: { id: tokenId }, data: { lastUsedAt: new Date(now) } })
      .catch(this.#onError)
      .finally(() => this.#pendingTouches.delete(write));
    this.#pendingTouches.add(write);
  }
}
