import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeBus } from '../../propagation/bus.js';
import type { RevocationAnnouncer, RevocationMessage } from '../../propagation/revocation-message.js';
import type { SnapshotFeeds } from './snapshot-feeds.js';

/** The token verification cache (`TokenAuthenticator`), as far as revocations need it. */
export interface VerificationCache {
  evict(revoked: { tokenIds?: readonly string[]; environmentIds?: readonly string[] }): void;
}

export interface StreamRevocationsOptions {
  prisma: PrismaClient;
  bus: Pick<ChangeBus, 'publishRevocation'>;
  feeds: SnapshotFeeds;
  cache: VerificationCache;
  onError(error: unknown): void;
  /** How long a revocation is remembered to refuse streams whose request was verified before it. */
  rememberMs?: number;
  now?: () => number;
}

/**
 * Ends access everywhere when a token is revoked or its environment (or project) deleted: the
 * replica that committed it calls `announce`, which applies it here and publishes it on the bus;
 * every replica applies what it receives: the tokens leave the verification cache (their next
 * request is a 401) and their SDK streams end. Bus delivery is at most once, so `checkStreams`
 * (run by the safety timer) re-checks the tokens of all open streams against the database.
 */
export class StreamRevocations implements RevocationAnnouncer {
  readonly #options: StreamRevocationsOptions;
  readonly #rememberMs: number;
  readonly #now: () => number;
  /** Recently revoked token and deleted environment ids → until when they are remembered. */
  readonly #recent = new Map<string, number>();

  constructor(options: StreamRevocationsOptions) {
    this.#options = options;
    this.#rememberMs = options.rememberMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Applies `message` on this replica, then publishes it to the others (failures logged, never thrown). */
  async announce(message: RevocationMessage): Promise<void> {
    if (message.tokenIds.length === 0 && message.environmentIds.length === 0) return; // a project without environments
    this.apply(message);
    try {
      await this.#options.bus.publishRevocation(message);
    } catch (error) {
      // The other replicas' safety timers (and verification cache expiry) catch up.
      this.#options.onError(error);
    }
  }

  /** Forgets the tokens' verifications and ends their streams; returns how many streams ended. */
  apply(message: RevocationMessage): number {
    this.#options.cache.evict(message);
    const until = this.#now() + this.#rememberMs;
    for (const id of [...message.tokenIds, ...message.environmentIds]) this.#recent.set(id, until);
    this.#prune();
    return this.#options.feeds.closeRevoked(message);
  }

  /**
   * True for a principal revoked since its request was verified (a stream request that was still
   * loading the snapshot when the revocation arrived), so the stream is refused instead of opened.
   */
  isRevoked(principal: { id: string; environmentId?: string }): boolean {
    this.#prune();
    return (
      this.#recent.has(principal.id) ||
      (principal.environmentId !== undefined && this.#recent.has(principal.environmentId))
    );
  }

  /**
   * The fallback for a lost announcement: ends the streams whose token is revoked or deleted in
   * the database (deleted environments are found by `SnapshotFeeds.checkAll`).
   */
  async checkStreams(): Promise<void> {
    const open = [...this.#options.feeds.streamTokenIds()];
    if (open.length === 0) return;
    const active = await this.#options.prisma.apiToken.findMany({
      // Expired tokens end like revoked ones (at this check: a token's expiry is not announced).
      where: {
        id: { in: open },
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(this.#now()) } }],
      },
      select: { id: true },
    });
    const activeIds = new Set(active.map((row) => row.id));
    const revoked = open.filter((id) => !activeIds.has(id));
    if (revoked.length > 0) this.apply({ tokenIds: revoked, environmentIds: [] });
  }

  #prune(): void {
    const now = this.#now();
    for (const [id, until] of this.#recent) if (until <= now) this.#recent.delete(id);
  }
}
