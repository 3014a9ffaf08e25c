import type { ServerResponse } from 'node:http';
import { toClientSnapshot, type Snapshot } from '@switchyard/core';
import type { SnapshotCacheStore } from '../propagation/bus.js';
import type { ServerMetrics } from '../propagation/metrics.js';
import { nextClientView } from './client-view.js';
import { feedState, type FeedState } from './feed-state.js';
import { mergeChanged } from './merge-changed.js';
import { lineageDelta } from './lineage-delta.js';
import { clientPatches, patchesBetween } from './patches.js';
import type { BuiltSnapshot, ChangedEntries, RevisionHint } from './snapshot-builder.js';
import { FeedStreams } from './feed-streams.js';
import type { SseConnection, StreamView } from './sse-connection.js';

export type { FeedState } from './feed-state.js';

/** Why a feed heard of a revision (for metrics): a bus message, a local commit, or a check against Postgres. */
export type NoticeCause = 'message' | 'local' | 'check' | 'resubscribe';

export interface EnvironmentMeta {
  projectKey: string;
  environmentKey: string;
  revision: number;
}

export interface FeedDeps {
  build(environmentId: string, sinceRevision?: number): Promise<BuiltSnapshot | null>;
  /** Only the entries the outbox hints after `sinceRevision` name (see `buildChangedEntries`). */
  buildChanged(environmentId: string, sinceRevision: number): Promise<ChangedEntries | null>;
  describe(environmentId: string): Promise<EnvironmentMeta | null>;
  cache: SnapshotCacheStore | undefined;
  metrics: ServerMetrics;
  /** Patches kept for resuming streams. */
  ringSize: number;
  maxBufferedBytes: number;
  onError(error: unknown): void;
  /** The feed learned its keys (first load). */
  onKeys(feed: EnvironmentFeed): void;
  /** The environment was deleted. */
  onGone(feed: EnvironmentFeed): void;
  /** The snapshot to serve instead of `snapshot` (pending kills applied, see kill-overlay.ts), if any. */
  overlay?(snapshot: Snapshot): Snapshot | undefined;
  /**
   * How long after a revision it did not commit this replica checks that the shared key got it,
   * writing it itself only when not (the publisher's write was lost). Default 1000 ms.
   */
  backupWriteDelayMs?: number;
}

/** A change's new entries, as the writer or its message brings them. */
export type AnnouncedEntries = Pick<ChangedEntries, 'flags' | 'segments'> & { hint: RevisionHint };

/** Why a feed wrote the shared snapshot key (`switchyard_snapshot_key_writes_total`). */
export type KeyWriteRole = 'publisher' | 'backup' | 'reload';

/**
 * One environment on one replica: its current snapshot (loaded from the shared cache or Postgres,
 * rebuilt once per announced revision, concurrent announcements coalesced into one rebuild), the
 * last `ringSize` patches, and the SSE streams to push them to.
 */
export class EnvironmentFeed {
  readonly environmentId: string;
  projectKey: string | undefined;
  environmentKey: string | undefined;
  readonly #deps: FeedDeps;
  #state: FeedState | undefined;
  /** What SDKs get instead of `#state` while pending kills apply to it (kill-overlay.ts). */
  #served: FeedState | undefined;
  /** Highest revision known to exist (announced or read), maybe ahead of `#state`. */
  #known = 0;
  #refreshing: Promise<void> | undefined;
  #again = false;
  /** The next reload reads the whole environment (a gap, a reconnect, the safety timer). */
  #full = false;
  #gone = false;
  /**
   * The snapshot last handed to the shared cache, or that a backup check found it holds (a change
   * then writes only what differs from it).
   */
  #written: Snapshot | undefined;
  /**
   * Revisions this replica committed that the shared key has not been written at yet: the
   * publisher writes the key (one writer per revision); other replicas only check, a second later,
   * that it did (`#backupCheck`).
   */
  #localRevisions: number[] = [];
  #backupTimer: NodeJS.Timeout | undefined;
  /** The snapshot the pending backup check is for. */
  #backupTarget: Snapshot | undefined;
  /** When an SDK last asked for this environment (ms since epoch), for evicting idle feeds. */
  lastUsedAt = Date.now();
  readonly #streams: FeedStreams;

  constructor(environmentId: string, deps: FeedDeps) {
    this.environmentId = environmentId;
    this.#deps = deps;
    this.#streams = new FeedStreams(deps);
  }

  get state(): FeedState | undefined {
    return this.#state;
  }

  /** The state SDKs are served: `state` with the pending kills applied, when any apply. */
  get served(): FeedState | undefined {
    return this.#served ?? this.#state;
  }

  get connections(): ReadonlySet<SseConnection> {
    return this.#streams.connections;
  }

  get gone(): boolean {
    return this.#gone;
  }

  /**
   * The current state, loading it first when there is none or when a newer revision was announced
   * (so a client that just wrote through this replica reads its write). Undefined when the
   * environment does not exist.
   */
  async ready(): Promise<FeedState | undefined> {
    this.lastUsedAt = Date.now();
    if (!this.#gone && (!this.#state || this.#known > this.#state.revision)) await this.refresh();
    if (!this.#gone && !this.#state) await this.refresh(); // the first load failed and was retried
    return this.#gone ? undefined : this.#state;
  }

  /** Highest revision this feed knows to exist: its state's, or a newer one it is reloading to. */
  get knownRevision(): number {
    return Math.max(this.#known, this.#state?.revision ?? 0);
  }

  /**
   * Announces that `revision` exists; reloads when it is newer than the state. A gap, check or
   * resubscribe is counted as a repair (and reloads everything) only when it reveals a revision
   * newer than every one known so far: a check that finds the state behind while a reload towards
   * that revision is still running (started by a message, or by an earlier check) repairs nothing.
   */
  notice(revision: number, cause: NoticeCause): void {
    if (cause === 'local') this.#localRevisions.push(revision);
    const known = this.knownRevision;
    if (revision > this.#known) this.#known = revision;
    if (!this.#state || revision <= this.#state.revision) return;
    const repair =
      cause === 'message' ? revision > known + 1 : (cause === 'check' || cause === 'resubscribe') && revision > known;
    if (repair) {
      this.#deps.metrics.gapsRepaired.inc({ cause: cause === 'message' ? 'gap' : cause });
      this.#full = true;
    }
    void this.refresh().catch(this.#deps.onError);
  }

  /**
   * A change this replica committed, with its new entries: applied in place when the state is at
   * the revision just before and no reload is running or due (no database read); otherwise the
   * same as `notice(revision, 'local')`.
   */
  noticeLocal(revision: number, change: AnnouncedEntries): void {
    this.#localRevisions.push(revision);
    this.#noticeEntries(revision, change, 'local');
  }

  /**
   * Another replica's change, announced with its entries (`ChangeMessage.entries`): applied in
   * place like `noticeLocal` (no database read), else the same as `notice(revision, 'message')`.
   */
  noticeAnnounced(revision: number, change: AnnouncedEntries): void {
    this.#noticeEntries(revision, change, 'message');
  }

  #noticeEntries(revision: number, change: AnnouncedEntries, cause: 'local' | 'message'): void {
    const base = this.#state;
    if (base && !this.#refreshing && !this.#full && !this.#gone && revision === base.revision + 1) {
      const { projectKey, environmentKey } = base.snapshot;
      const built = mergeChanged(base.snapshot, {
        environmentId: this.environmentId,
        projectKey,
        environmentKey,
        revision,
        hints: [change.hint],
        flags: change.flags,
        segments: change.segments,
      });
      if (built) {
        this.#apply(base, built);
        // Revisions announced meanwhile (other writers) still need a reload.
        if (this.#known > revision) void this.refresh().catch(this.#deps.onError);
        return;
      }
    }
    this.notice(revision, cause);
  }

  /** Reloads from Postgres; calls during a reload are coalesced into one more reload after it. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = this.#loop().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Starts streaming to `response`: a `put`, or with `lastEventId` the patches after it when the
   * ring still has them (nothing when it is current). Call right after `ready()` resolved.
   * `tokenId` is the token it was opened with (see `closeTokens`).
   */
  attach(
    response: ServerResponse,
    view: StreamView,
    lastEventId: number | undefined,
    tokenId: string,
  ): SseConnection | undefined {
    const state = this.#state;
    if (!state || this.#gone) return undefined;
    const labels = { project: this.projectKey ?? '', environment: this.environmentKey ?? '' };
    return this.#streams.open(response, view, lastEventId, tokenId, { state, served: this.#served, labels });
  }

  /**
   * The pending kills changed: serve (and store in the shared key) the snapshot with the ones that
   * apply now. Streams get the result as a `put`, which SDKs take whatever its revision.
   */
  refreshOverlay(): void {
    const state = this.#state;
    if (!state || this.#gone) return;
    const before = this.#served;
    this.#served = this.#overlaid(state);
    if (before === this.#served) return;
    if (before && this.#served && before.json('server') === this.#served.json('server')) return;
    this.#sendServed();
    // Every replica applies the same pending kills; the store keeps the first write per revision.
    this.#writeCache('reload');
  }

  /** Writes the current snapshot to the shared key again (Redis came back, maybe empty). */
  rewriteKey(): void {
    this.#written = undefined; // whatever Redis holds now: the whole snapshot, unless it is as new
    if (!this.#gone) this.#writeCache('reload');
  }

  /** Stops the pending backup check (the feed is dropped or the server closes). */
  stop(): void {
    clearTimeout(this.#backupTimer);
    this.#backupTimer = undefined;
  }

  /** Writes `frame` (a heartbeat) to every stream. */
  broadcast(frame: string): void {
    this.#streams.broadcast(frame);
  }

  /** Ends every stream (shutdown). */
  closeAll(): void {
    this.#streams.closeAll();
  }

  /** Ends the streams opened with one of `tokenIds` (revoked); returns how many. */
  closeTokens(tokenIds: ReadonlySet<string>): number {
    return this.#streams.closeTokens(tokenIds);
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await this.#refreshOnce();
      // Announcements of revisions the reload already got (the bus echoing a local commit) need no
      // second reload.
    } while (this.#again && !this.#gone && (!this.#state || this.#known > this.#state.revision));
  }

  async #refreshOnce(): Promise<void> {
    const base = this.#state;
    if (!base && (await this.#loadFromCache())) return;
    if (base && !this.#full) {
      // The usual case, one announced change: read only what the outbox says changed.
      const changed = await this.#deps.buildChanged(this.environmentId, base.revision);
      if (!changed) {
        this.#markGone();
        return;
      }
      const built = mergeChanged(base.snapshot, changed);
      if (built) {
        this.#apply(base, built);
        return;
      }
    }
    this.#full = false;
    const built = await this.#deps.build(this.environmentId, base?.revision);
    if (!built) {
      this.#markGone();
      return;
    }
    this.#apply(base, built);
  }

  /** First load: the shared snapshot cache, when it holds the revision Postgres has. */
  async #loadFromCache(): Promise<boolean> {
    const cache = this.#deps.cache;
    if (!cache) return false;
    const meta = await this.#deps.describe(this.environmentId);
    if (!meta) {
      this.#markGone();
      return true;
    }
    this.#learnKeys(meta.projectKey, meta.environmentKey);
    const snapshot = await cache.get(meta.projectKey, meta.environmentKey);
    if (snapshot === undefined) return false;
    if (snapshot.revision !== meta.revision || this.#state) return false;
    this.#install(snapshot, toClientSnapshot(snapshot));
    this.#written = snapshot; // what the cache holds: the next change writes only its entries
    return true;
  }

  #apply(base: FeedState | undefined, built: BuiltSnapshot): void {
    const { snapshot } = built;
    this.#learnKeys(snapshot.projectKey, snapshot.environmentKey);
    if (snapshot.revision > this.#known) this.#known = snapshot.revision;
    const current = this.#state; // may have moved on since `base` (cache load racing a rebuild)
    if (current && current !== base) {
      if (snapshot.revision <= current.revision) return;
      // Rebuilt from an older base: treat as a reset rather than splicing patches.
      this.#reset(snapshot);
      return;
    }
    if (!base) {
      this.#install(snapshot, toClientSnapshot(snapshot));
      // Loaded from Postgres because the shared key did not hold this revision: bring it there.
      this.#writeCache('reload');
      return;
    }
    if (snapshot.revision === base.revision) return;
    const exact = built.exact === true;
    const patches =
      snapshot.revision > base.revision ? patchesBetween(base.snapshot, snapshot, built.hints, exact) : null;
    if (!patches) {
      // The database went back (restore) or the outbox no longer has the hints: whole snapshots.
      this.#reset(snapshot);
      return;
    }
    // Derived from the previous client view when only the hinted keys changed and none of them
    // enters or leaves it (a toggle): no walk over the whole environment per change.
    const incremental = exact
      ? nextClientView(
          base,
          snapshot,
          built.hints.flatMap((hint) => hint.flags),
          built.hints.flatMap((hint) => hint.segments),
        )
      : null;
    const client = incremental ?? toClientSnapshot(snapshot);
    const forClients = clientPatches(patches, base.client, client, incremental !== null);
    this.#install(snapshot, client);
    this.#streams.publish(base.revision, patches, forClients, this.#state!, this.#served);
    const now = Date.now();
    for (const hint of built.hints) {
      this.#deps.metrics.propagationLag.observe(Math.max(0, now - hint.committedAt.getTime()) / 1000);
    }
    this.#writeCache();
  }

  #reset(snapshot: Snapshot): void {
    this.#install(snapshot, toClientSnapshot(snapshot));
    this.#streams.clearRing();
    this.#sendServed();
    this.#writeCache();
  }

  #install(snapshot: Snapshot, client: Snapshot, serverJson?: string): void {
    this.#state = this.#feedState(snapshot, client, serverJson);
    this.#served = this.#overlaid(this.#state);
    if (snapshot.revision > this.#known) this.#known = snapshot.revision;
  }

  #overlaid(state: FeedState): FeedState | undefined {
    const overlaid = this.#deps.overlay?.(state.snapshot);
    return overlaid && this.#feedState(overlaid, toClientSnapshot(overlaid));
  }

  #feedState(snapshot: Snapshot, client: Snapshot, serverJson?: string): FeedState {
    const encodings = this.#deps.metrics.snapshotEncodings;
    return feedState(snapshot, client, serverJson, (kind) => encodings.inc({ kind }));
  }

  /** Sends every stream the whole snapshot it is to be served now. */
  #sendServed(): void {
    const served = this.served;
    if (!served) return;
    this.#streams.sendWhole(served, this.#served !== undefined);
  }

  /**
   * Brings the shared key to the served snapshot: at once when this replica committed one of the
   * revisions it adds (it is their publisher) or for `role` 'reload'; otherwise a backup check
   * later, which writes only if the publisher's write has not landed by then.
   */
  #writeCache(role?: KeyWriteRole): void {
    const state = this.served;
    if (!state || !this.#deps.cache) return;
    const revision = state.revision;
    const published = this.#localRevisions.some((local) => local <= revision);
    if (published) this.#localRevisions = this.#localRevisions.filter((local) => local > revision);
    if (role === undefined && !published) {
      this.#scheduleBackup(state.snapshot);
      return;
    }
    this.#write(state.snapshot, role ?? 'publisher');
  }

  #write(snapshot: Snapshot, role: KeyWriteRole): void {
    const previous = this.#written;
    this.#written = snapshot;
    this.#deps.metrics.snapshotKeyWrites.inc({ role });
    const delta = previous && lineageDelta(previous, snapshot);
    void this.#deps.cache!.set(snapshot, previous, delta);
  }

  #scheduleBackup(snapshot: Snapshot): void {
    if (this.#backupTimer) return; // the pending check then covers this revision too
    this.#backupTarget = snapshot;
    this.#backupTimer = setTimeout(() => {
      this.#backupTimer = undefined;
      void this.#backupCheck().catch(this.#deps.onError);
    }, this.#deps.backupWriteDelayMs ?? 1_000);
    this.#backupTimer.unref();
  }

  /**
   * The shared key should hold `#backupTarget` by now (its publisher wrote it): when it does,
   * nothing is written (only the revision is read); when it is behind or missing (the publisher
   * crashed, or no replica that holds no feed published it), this replica writes what it serves.
   */
  async #backupCheck(): Promise<void> {
    const target = this.#backupTarget;
    const cache = this.#deps.cache;
    if (!target || !cache || this.#gone) return;
    const stored = await cache.revision(target.projectKey, target.environmentKey);
    const current = this.served;
    if (!current || this.#gone) return;
    if (stored !== undefined && stored >= target.revision) {
      // The key holds the target or newer: this replica's next delta can start from the target.
      if (!this.#written || this.#written.revision < target.revision) this.#written = target;
      if (current.revision > stored) this.#scheduleBackup(current.snapshot);
      return;
    }
    this.#write(current.snapshot, 'backup');
  }

  #learnKeys(projectKey: string, environmentKey: string): void {
    if (this.projectKey === projectKey && this.environmentKey === environmentKey) return;
    this.projectKey = projectKey;
    this.environmentKey = environmentKey;
    this.#deps.onKeys(this);
  }

  #markGone(): void {
    this.#gone = true;
    this.stop();
    this.closeAll();
    this.#deps.onGone(this);
  }
}
