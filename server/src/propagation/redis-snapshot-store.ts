import type { Snapshot } from '@switchyard/core';
import type { Redis } from 'ioredis';
import type { SnapshotCacheStore } from './bus.js';
import {
  decodeSnapshotHash,
  deltaWriteArgs,
  fullWriteArgs,
  legacySnapshotKey,
  snapshotDelta,
  snapshotHashKey,
  type SnapshotDelta,
} from './snapshot-hash.js';

/**
 * The command connection of the Redis bus, with the scripts of snapshot-hash.ts defined as
 * `writeSnapshotFull` (`WRITE_FULL`: hash key, legacy key, args) and `writeSnapshotDelta`
 * (`WRITE_DELTA`: hash key, args).
 */
export type CommandsClient = Redis & {
  writeSnapshotFull(hashKey: string, legacyKey: string, ...args: string[]): Promise<number>;
  writeSnapshotDelta(hashKey: string, ...args: string[]): Promise<number>;
};

/** How soon a write that failed while Redis looked connected (a timeout) is tried again. */
const RETRY_DELAY_MS = 500;

/**
 * The shared snapshot hashes (snapshot-hash.ts), written check-and-set on the revision: a change
 * is written as the entries it changed on top of the revision before it (one replica's write lands
 * per revision, the others find the hash already there), and the whole snapshot only when Redis
 * holds something else (first write, Redis came back empty, a writer that missed revisions).
 *
 * A write Redis did not take (down, restarting, timed out) is not dropped: the newest snapshot per
 * environment is kept and written again as soon as the connection is ready, since nothing else
 * would write that revision again (the replica whose feed built it "holds" it, so the publisher's
 * key writer skips it). Direct-Redis SDKs read only these hashes, so a dropped write left them
 * serving an old snapshot (a flag killed during the outage still on) until the next change. At
 * most one snapshot per environment is kept, so memory is bounded by what this replica holds anyway.
 */
export class RetryingSnapshotStore implements SnapshotCacheStore {
  readonly #commands: CommandsClient;
  /** Hash key → newest snapshot not written yet. */
  readonly #unwritten = new Map<string, Snapshot>();
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(commands: CommandsClient) {
    this.#commands = commands;
    commands.on('ready', () => void this.flush());
  }

  async get(projectKey: string, environmentKey: string): Promise<Snapshot | undefined> {
    if (this.#commands.status !== 'ready') return undefined;
    try {
      return decodeSnapshotHash(await this.#commands.hgetall(snapshotHashKey(projectKey, environmentKey)));
    } catch {
      return undefined;
    }
  }

  async revision(projectKey: string, environmentKey: string): Promise<number | undefined> {
    if (this.#commands.status !== 'ready') return undefined;
    try {
      const stored = await this.#commands.hget(snapshotHashKey(projectKey, environmentKey), 'revision');
      return stored === null ? undefined : Number(stored);
    } catch {
      return undefined;
    }
  }

  async set(snapshot: Snapshot, previous?: Snapshot, known?: SnapshotDelta): Promise<void> {
    if (this.#commands.status !== 'ready') {
      this.#keep(snapshot);
      return;
    }
    const delta = known ?? (previous && snapshotDelta(previous, snapshot));
    if (delta) {
      let result: number;
      try {
        result = await this.#writeDelta(delta);
      } catch {
        this.#failed(snapshot);
        return;
      }
      if (result >= 0) return;
    }
    await this.#writeFull(snapshot);
  }

  async update(delta: SnapshotDelta): Promise<boolean> {
    if (this.#commands.status !== 'ready') return false;
    try {
      return (await this.#writeDelta(delta)) >= 0;
    } catch {
      return false;
    }
  }

  /** Writes every kept snapshot (called when the connection becomes ready); resolves when done. */
  async flush(): Promise<void> {
    const snapshots = [...this.#unwritten.values()];
    this.#unwritten.clear();
    await Promise.all(snapshots.map((snapshot) => this.#writeFull(snapshot)));
  }

  /** Snapshots waiting for Redis (for tests and metrics). */
  get unwrittenCount(): number {
    return this.#unwritten.size;
  }

  #writeDelta(delta: SnapshotDelta): Promise<number> {
    return this.#commands.writeSnapshotDelta(
      snapshotHashKey(delta.projectKey, delta.environmentKey),
      ...deltaWriteArgs(delta),
    );
  }

  /** The whole snapshot, unless Redis holds its revision or a newer one (asked first: it is large). */
  async #writeFull(snapshot: Snapshot): Promise<void> {
    const key = snapshotHashKey(snapshot.projectKey, snapshot.environmentKey);
    try {
      const stored = await this.#commands.hget(key, 'revision');
      if (stored !== null && Number(stored) >= snapshot.revision) return;
      await this.#commands.writeSnapshotFull(
        key,
        legacySnapshotKey(snapshot.projectKey, snapshot.environmentKey),
        ...fullWriteArgs(snapshot),
      );
    } catch {
      this.#failed(snapshot);
    }
  }

  #failed(snapshot: Snapshot): void {
    this.#keep(snapshot);
    // Still connected (a timeout): 'ready' will not fire again, so retry on a timer.
    if (this.#commands.status === 'ready' && !this.#retryTimer) {
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        void this.flush();
      }, RETRY_DELAY_MS);
      this.#retryTimer.unref();
    }
  }

  #keep(snapshot: Snapshot): void {
    const key = snapshotHashKey(snapshot.projectKey, snapshot.environmentKey);
    const kept = this.#unwritten.get(key);
    if (!kept || kept.revision <= snapshot.revision) this.#unwritten.set(key, snapshot);
  }

  /** Stops the retry timer (the bus is closing). */
  close(): void {
    clearTimeout(this.#retryTimer);
    this.#unwritten.clear();
  }
}
