import type { ChangeEvent } from '../changes/index.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { SnapshotCacheStore } from '../propagation/bus.js';
import type { ChangeMessage } from '../propagation/change-message.js';
import type { ServerMetrics } from '../propagation/metrics.js';
import type { PendingKill } from '../propagation/pending-kill.js';
import { EnvironmentFeed, type FeedState, type NoticeCause } from './environment-feed.js';
import { applyPendingKills } from './kill-overlay.js';
import { buildChangedEntries, buildSnapshot, readRevisions } from './snapshot-builder.js';
import { HEARTBEAT_FRAME } from './sse-connection.js';

export interface SnapshotFeedsOptions {
  prisma: PrismaClient;
  /** The shared (Redis) snapshot cache, if any. */
  cache: SnapshotCacheStore | undefined;
  metrics: ServerMetrics;
  /** Patches kept per environment for resuming streams (default 256). */
  ringSize?: number;
  /** Per-stream unsent bytes before the stream is dropped as a slow consumer (default 1 MiB). */
  maxBufferedBytes?: number;
  /** See `FeedDeps.backupWriteDelayMs` (default 1000 ms). */
  backupWriteDelayMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * This replica's snapshot cache: one `EnvironmentFeed` per environment an SDK asked about, kept
 * current by bus messages, local commits and `checkAll()` (the convergence safety net).
 */
export class SnapshotFeeds {
  readonly #options: Required<Omit<SnapshotFeedsOptions, 'cache'>> & { cache: SnapshotCacheStore | undefined };
  readonly #feeds = new Map<string, EnvironmentFeed>();
  readonly #byKeys = new Map<string, EnvironmentFeed>();
  /** Kills accepted while Postgres was unreachable, applied to what every feed serves. */
  #pendingKills: readonly PendingKill[] = [];

  constructor(options: SnapshotFeedsOptions) {
    this.#options = {
      ringSize: 256,
      maxBufferedBytes: 1024 * 1024,
      backupWriteDelayMs: 1_000,
      onError: () => {},
      ...options,
    };
  }

  /** The feed of an environment (created on first use; it loads on `ready()`). */
  feed(environmentId: string): EnvironmentFeed {
    let feed = this.#feeds.get(environmentId);
    if (!feed) {
      const { prisma, cache, metrics, ringSize, maxBufferedBytes, backupWriteDelayMs, onError } = this.#options;
      feed = new EnvironmentFeed(environmentId, {
        build: (id, since) => buildSnapshot(prisma, id, since),
        buildChanged: (id, since) => buildChangedEntries(prisma, id, since),
        describe: async (id) => {
          const row = await prisma.environment.findUnique({
            where: { id },
            select: { key: true, revision: true, project: { select: { key: true } } },
          });
          return row ? { projectKey: row.project.key, environmentKey: row.key, revision: row.revision } : null;
        },
        cache,
        metrics,
        ringSize,
        maxBufferedBytes,
        backupWriteDelayMs,
        onError,
        onKeys: (known) => {
          for (const [keys, entry] of this.#byKeys) if (entry === known) this.#byKeys.delete(keys);
          this.#byKeys.set(keysOf(known.projectKey!, known.environmentKey!), known);
        },
        onGone: (gone) => this.#forget(gone),
        overlay: (snapshot) =>
          this.#pendingKills.length === 0 ? undefined : applyPendingKills(snapshot, this.#pendingKills),
      });
      this.#feeds.set(environmentId, feed);
    }
    return feed;
  }

  /** The pending kills changed (see kill-overlay.ts): every feed serves them from now on. */
  setPendingKills(kills: readonly PendingKill[]): void {
    this.#pendingKills = kills;
    for (const feed of this.#feeds.values()) feed.refreshOverlay();
  }

  /** What this replica serves for an environment it holds (pending kills applied), by keys. */
  servedByKeys(projectKey: string, environmentKey: string): FeedState | undefined {
    const feed = this.#byKeys.get(keysOf(projectKey, environmentKey));
    return feed && !feed.gone ? feed.served : undefined;
  }

  /** A bus message: the environment's feed (if this replica has one) reloads. */
  onMessage(message: ChangeMessage): void {
    this.#options.metrics.messagesReceived.inc();
    const feed = this.#byKeys.get(keysOf(message.projectKey, message.environmentKey));
    if (!feed) return;
    const { entries, revision, changed } = message;
    if (entries) {
      const hint = { revision, flags: changed.flags, segments: changed.segments, committedAt: new Date() };
      feed.noticeAnnounced(revision, { hint, flags: entries.flags, segments: entries.segments });
    } else feed.notice(revision, 'message');
  }

  /**
   * A change committed by this replica: apply the entries it brings, or reload right away, without
   * waiting for the bus.
   */
  onLocalChange(event: ChangeEvent): void {
    const { entries } = event;
    const committedAt = new Date();
    for (const { environmentId, revision } of event.revisions) {
      const feed = this.#feeds.get(environmentId);
      if (!feed) continue;
      if (entries) {
        const hint = { revision, flags: event.flags, segments: event.segments, committedAt };
        feed.noticeLocal(revision, { hint, flags: entries.flags, segments: entries.segments });
      } else feed.notice(revision, 'local');
    }
  }

  /**
   * Compares every feed with Postgres and reloads the ones behind (safety timer, bus reconnect).
   * Feeds without streams that nobody asked for in `idleMs` are dropped first (they would otherwise
   * be rebuilt on every change for nobody).
   */
  async checkAll(cause: NoticeCause = 'check', idleMs = 10 * 60_000): Promise<void> {
    const now = Date.now();
    for (const feed of [...this.#feeds.values()]) {
      // A feed still behind keeps its place until it caught up: its reload is what brings the
      // shared snapshot key to that revision (see `holdsKeyAt`).
      const behind = feed.state !== undefined && feed.knownRevision > feed.state.revision;
      if (feed.connections.size === 0 && now - feed.lastUsedAt > idleMs && !behind) this.#forget(feed);
    }
    const feeds = [...this.#feeds.values()].filter((feed) => feed.state !== undefined);
    if (feeds.length === 0) return;
    const revisions = await readRevisions(
      this.#options.prisma,
      feeds.map((feed) => feed.environmentId),
    );
    for (const feed of feeds) {
      const revision = revisions.get(feed.environmentId);
      if (revision === undefined)
        void feed.refresh().catch(this.#options.onError); // deleted: the reload finds out
      else feed.notice(revision, cause);
    }
  }

  /**
   * True when this replica's feed of the environment is at `revision` or reloading to it: every
   * snapshot a feed builds goes to the shared snapshot key, so nobody else need write the key for
   * that revision (see `SnapshotKeyWriter`).
   */
  holdsKeyAt(environmentId: string, revision: number): boolean {
    const feed = this.#feeds.get(environmentId);
    return feed !== undefined && feed.state !== undefined && !feed.gone && feed.knownRevision >= revision;
  }

  /**
   * Writes every snapshot this replica holds to the shared snapshot key again (check-and-set on the
   * revision, so never over a newer one): after a Redis outage the keys may be missing (a restart
   * without persistence) or older, and no change need come to rewrite them.
   */
  rewriteKeys(): void {
    for (const feed of this.#feeds.values()) if (feed.state) feed.rewriteKey();
  }

  #forget(feed: EnvironmentFeed): void {
    feed.stop();
    if (this.#feeds.get(feed.environmentId) === feed) this.#feeds.delete(feed.environmentId);
    for (const [keys, entry] of this.#byKeys) if (entry === feed) this.#byKeys.delete(keys);
  }

  /** Environments this replica keeps a snapshot of. */
  get size(): number {
    return this.#feeds.size;
  }

  /** Sends a heartbeat comment on every stream. */
  heartbeat(): void {
    for (const feed of this.#feeds.values()) feed.broadcast(HEARTBEAT_FRAME);
  }

  /** Number of open streams (all environments). */
  get streamCount(): number {
    let count = 0;
    for (const feed of this.#feeds.values()) count += feed.connections.size;
    return count;
  }

  /**
   * Ends the streams of revoked tokens and of deleted environments (whose feeds then reload, find
   * the environment gone and are dropped); returns how many streams it ended.
   */
  closeRevoked(revoked: { tokenIds: readonly string[]; environmentIds: readonly string[] }): number {
    const tokenIds = new Set(revoked.tokenIds);
    let closed = 0;
    for (const feed of this.#feeds.values()) {
      if (revoked.environmentIds.includes(feed.environmentId)) {
        closed += feed.connections.size;
        feed.closeAll();
        void feed.refresh().catch(this.#options.onError);
      } else if (tokenIds.size > 0) closed += feed.closeTokens(tokenIds);
    }
    return closed;
  }

  /** The tokens of every open stream (for re-checking them against the database). */
  streamTokenIds(): Set<string> {
    const tokenIds = new Set<string>();
    for (const feed of this.#feeds.values())
      for (const connection of feed.connections) tokenIds.add(connection.tokenId);
    return tokenIds;
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const feed of this.#feeds.values()) {
      feed.stop();
      feed.closeAll();
    }
  }
}

function keysOf(projectKey: string, environmentKey: string): string {
  return `${projectKey}\u0000${environmentKey}`;
}
