import type { Snapshot } from '@switchyard/core';
import type { ChangeMessage } from './change-message.js';
import type { SnapshotDelta } from './snapshot-hash.js';
import type { RevocationListener, RevocationMessage } from './revocation-message.js';
import type { PendingKillStore } from './pending-kill.js';

/** Called for the change messages replicas published (see `ChangeBus.subscribe`). */
export type ChangeMessageListener = (message: ChangeMessage) => void;

/**
 * Cross-replica announcement of committed changes. Delivery is at-most-once and unordered across
 * reconnects (Redis pub/sub), so receivers treat messages as hints and converge from Postgres; the
 * outbox makes publishing at-least-once.
 */
export interface ChangeBus {
  /** `redis` or `memory` (embedded mode, one process). */
  readonly kind: 'redis' | 'memory';
  /**
   * Publishes `messages` in order; rejects when the bus is unavailable (nothing is queued).
   * `appliedHere`: their changes are applied on this replica already (it committed them and told
   * its own listeners), so the bus need not hand them back to this replica's listeners.
   */
  publish(messages: readonly ChangeMessage[], options?: { appliedHere?: boolean }): Promise<void>;
  /**
   * Subscribes to every environment's messages (those published with `appliedHere` may skip this
   * replica); returns the unsubscribe function.
   */
  subscribe(listener: ChangeMessageListener): () => void;
  /**
   * Publishes a revocation (tokens revoked, environments deleted) to every replica, this one
   * included; rejects when the bus is unavailable. At most once, like change messages: receivers
   * also re-check their streams' tokens on a timer.
   */
  publishRevocation(message: RevocationMessage): Promise<void>;
  /** Subscribes to every replica's revocations; returns the unsubscribe function. */
  onRevocation(listener: RevocationListener): () => void;
  /**
   * Called after the subscription came back from an outage: messages may have been missed, so
   * receivers must reload from the database.
   */
  onResubscribed(listener: () => void): () => void;
  /** The shared snapshot cache, when the bus has one (Redis); see `SnapshotCacheStore`. */
  readonly snapshots: SnapshotCacheStore | undefined;
  /** Kills accepted while Postgres was unreachable, when the bus can keep them (Redis). */
  readonly pendingKills: PendingKillStore | undefined;
  close(): Promise<void>;
}

/**
 * The snapshot of each environment, shared by replicas and read by direct-Redis SDKs (a Redis hash
 * per environment updated in place, see snapshot-hash.ts).
 */
export interface SnapshotCacheStore {
  /** The cached snapshot, or undefined (also when the store is unreachable). */
  get(projectKey: string, environmentKey: string): Promise<Snapshot | undefined>;
  /** The revision of the cached snapshot, or undefined (none, or the store is unreachable). */
  revision(projectKey: string, environmentKey: string): Promise<number | undefined>;
  /**
   * Stores `snapshot` unless the cached one is at its revision or newer. With `previous`, the
   * snapshot the caller stored before (whose unchanged entries `snapshot` shares by reference),
   * only the entries that differ are written when the cache is at `previous`'s revision; `delta`,
   * when the caller knows it (`lineageDelta`), spares the comparison. Never rejects.
   */
  set(snapshot: Snapshot, previous?: Snapshot, delta?: SnapshotDelta): Promise<void>;
  /**
   * Applies `delta` when the cache is at `delta.base`. True when applied or the cache was already at
   * `delta.revision` or newer; false otherwise (the caller then stores the whole snapshot). Never rejects.
   */
  update(delta: SnapshotDelta): Promise<boolean>;
}
