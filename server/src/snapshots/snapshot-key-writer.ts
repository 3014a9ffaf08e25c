import type { EnvironmentRevision } from '../changes/index.js';
import type { SnapshotCacheStore } from '../propagation/bus.js';
import type { SnapshotDelta } from '../propagation/snapshot-hash.js';
import type { BuiltSnapshot, ChangedEntries } from './snapshot-builder.js';

export interface SnapshotKeyWriterDeps {
  /** The environment's current snapshot from Postgres; null when it no longer exists. */
  build(environmentId: string): Promise<BuiltSnapshot | null>;
  /** The entries changed after `sinceRevision` (see `buildChangedEntries`); null when the environment is gone. */
  buildChanged(environmentId: string, sinceRevision: number): Promise<ChangedEntries | null>;
  /** The shared snapshot store (writes are check-and-set on the revision). */
  cache: SnapshotCacheStore;
  /** True when a feed of this replica brings the key to `revision` itself (`SnapshotFeeds.holdsKeyAt`). */
  holdsKeyAt(environmentId: string, revision: number): boolean;
  onError(error: unknown): void;
}

/**
 * Brings the shared snapshot key (`switchyard:snapshot-v2:<project>:<environment>`) to each revision
 * this replica published, whether or not any replica holds the environment: SDKs in direct Redis
 * mode read only that key, so it must not stay at an old revision once every replica dropped an
 * idle environment. Only the publishing replica calls it (one writer per change); when one of its
 * own feeds is at or reloading to the revision, that feed writes the key and this does nothing.
 * Otherwise it asks Redis which revision the key is at, reads from Postgres only the entries
 * changed since (the outbox hints) and writes them on top; the whole snapshot only when that
 * cannot be done (key missing, hints pruned, entries added or removed). One write at a time per
 * environment (a burst of changes costs one or two, not one per change). The store never lets an
 * older revision replace a newer one, so a slow write racing a newer one is harmless.
 */
export class SnapshotKeyWriter {
  readonly #deps: SnapshotKeyWriterDeps;
  /** Environment id → highest revision asked for and not stored yet. */
  readonly #wanted = new Map<string, number>();
  readonly #running = new Map<string, Promise<void>>();
  /** Environment id → its project and environment keys, once read (to ask Redis its revision). */
  readonly #keys = new Map<string, { projectKey: string; environmentKey: string }>();

  constructor(deps: SnapshotKeyWriterDeps) {
    this.#deps = deps;
  }

  /** Stores the snapshots of these revisions (errors go to `onError`); resolves when done. */
  async store(revisions: readonly EnvironmentRevision[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const { environmentId, revision } of revisions) {
      if (this.#deps.holdsKeyAt(environmentId, revision)) continue;
      if (revision > (this.#wanted.get(environmentId) ?? 0)) this.#wanted.set(environmentId, revision);
      let running = this.#running.get(environmentId);
      if (!running) {
        running = this.#loop(environmentId).catch(this.#deps.onError);
        this.#running.set(environmentId, running);
      }
      writes.push(running);
    }
    await Promise.all(writes);
  }

  /** Resolves once no write is running (shutdown: before the store closes). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  async #loop(environmentId: string): Promise<void> {
    try {
      let stored = 0;
      for (let wanted = this.#wanted.get(environmentId)!; wanted > stored;) {
        stored = await this.#storeOnce(environmentId, wanted);
        wanted = this.#wanted.get(environmentId)!;
      }
    } finally {
      // In the same tick as the last check above: a `store` after it starts a new loop.
      this.#wanted.delete(environmentId);
      this.#running.delete(environmentId);
    }
  }

  /** Stores the current snapshot; returns its revision (infinite when the environment is gone). */
  async #storeOnce(environmentId: string, wanted: number): Promise<number> {
    if (this.#deps.holdsKeyAt(environmentId, wanted)) return wanted;
    const keys = this.#keys.get(environmentId);
    const cached = keys && (await this.#deps.cache.revision(keys.projectKey, keys.environmentKey));
    if (cached !== undefined && cached >= wanted) return cached;
    if (cached !== undefined) {
      const changed = await this.#deps.buildChanged(environmentId, cached);
      if (!changed) return this.#forget(environmentId);
      const delta = deltaOf(changed, cached);
      if (delta && (await this.#deps.cache.update(delta))) return changed.revision;
    }
    const built = await this.#deps.build(environmentId);
    if (!built) return this.#forget(environmentId);
    const { snapshot } = built;
    this.#keys.set(environmentId, { projectKey: snapshot.projectKey, environmentKey: snapshot.environmentKey });
    await this.#deps.cache.set(snapshot);
    return snapshot.revision;
  }

  #forget(environmentId: string): number {
    this.#keys.delete(environmentId);
    return Infinity;
  }
}

/**
 * The delta from revision `base` that `changed` describes; undefined when a revision in between has
 * no hint (pruned) or an empty one (a write that named no keys). Entries the hints name but
 * `changed` lacks were deleted; the delta carries no key order, so the store refuses it when
 * entries were added or deleted.
 */
export function deltaOf(changed: ChangedEntries, base: number): SnapshotDelta | undefined {
  if (changed.revision <= base) return undefined;
  const byRevision = new Map(changed.hints.map((hint) => [hint.revision, hint]));
  for (let revision = base + 1; revision <= changed.revision; revision++) {
    const hint = byRevision.get(revision);
    if (!hint || (hint.flags.length === 0 && hint.segments.length === 0)) return undefined;
  }
  const present = (keys: Iterable<string>) => new Set(keys);
  const flags = present(changed.flags.map((flag) => flag.key));
  const segments = present(changed.segments.map((segment) => segment.key));
  const named = (pick: 'flags' | 'segments') => present(changed.hints.flatMap((hint) => hint[pick]));
  return {
    projectKey: changed.projectKey,
    environmentKey: changed.environmentKey,
    base,
    revision: changed.revision,
    flags: changed.flags,
    segments: changed.segments,
    deletedFlags: [...named('flags')].filter((key) => !flags.has(key)),
    deletedSegments: [...named('segments')].filter((key) => !segments.has(key)),
    covering: true,
  };
}
