import type { EnvironmentRevision } from '../../changes/index.js';
import type { SnapshotCacheStore } from '../../propagation/bus.js';
import type { BuiltSnapshot } from './snapshot-builder.js';

export interface SnapshotKeyWriterDeps {
  /** The environment's current snapshot from Postgres; null when it no longer exists. */
  build(environmentId: string): Promise<BuiltSnapshot | null>;
  /** The shared snapshot key store (writes are check-and-set on the revision). */
  cache: SnapshotCacheStore;
  /** True when a feed of this replica brings the key to `revision` itself (`SnapshotFeeds.holdsKeyAt`). */
  holdsKeyAt(environmentId: string, revision: number): boolean;
  onError(error: unknown): void;
}

/**
 * Brings the shared snapshot key (`switchyard:snapshot:<project>:<environment>`) to each revision
 * this replica published, whether or not any replica holds the environment: SDKs in direct Redis
 * mode read only that key, so it must not stay at an old revision once every replica dropped an
 * idle environment. Only the publishing replica calls it (one writer per change); when one of its
 * own feeds is at or reloading to the revision, that feed writes the key and this does nothing.
 * Otherwise it reads the snapshot from Postgres, one read at a time per environment (a burst of
 * changes costs one or two reads, not one per change). The store never lets an older revision
 * replace a newer one, so a slow write racing a newer one is harmless.
 */
export class SnapshotKeyWriter {
  readonly #deps: SnapshotKeyWriterDeps;
  /** Environment id → highest revision asked for and not stored yet. */
  readonly #wanted = new Map<string, number>();
  readonly #running = new Map<string, Promise<void>>();

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
    const built = await this.#deps.build(environmentId);
    if (!built) return Infinity;
    const { snapshot } = built;
    await this.#deps.cache.set(
      snapshot.projectKey,
      snapshot.environmentKey,
      snapshot.revision,
      JSON.stringify(snapshot),
    );
    return snapshot.revision;
  }
}
