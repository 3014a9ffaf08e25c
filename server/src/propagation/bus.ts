import type { ChangeMessage } from './change-message.js';
import type { RevocationListener, RevocationMessage } from './revocation-message.js';
import type { PendingKillStore } from './pending-kill.js';

/** Called for every change message any replica published. */
export type ChangeMessageListener = (message: ChangeMessage) => void;

/**
 * Cross-replica announcement of committed changes. Delivery is at-most-once and unordered across
 * reconnects (Redis pub/sub), so receivers treat messages as hints and converge from Postgres; the
 * outbox makes publishing at-least-once.
 */
export interface ChangeBus {
  /** `redis` or `memory` (embedded mode, one process). */
  readonly kind: 'redis' | 'memory';
  /** Publishes `messages` in order; rejects when the bus is unavailable (nothing is queued). */
  publish(messages: readonly ChangeMessage[]): Promise<void>;
  /** Subscribes to every environment's messages; returns the unsubscribe function. */
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

/** Full snapshot JSON per environment, shared by replicas (`switchyard:snapshot:<project>:<env>`). */
export interface SnapshotCacheStore {
  /** The cached snapshot JSON, or undefined (also when the store is unreachable). */
  get(projectKey: string, environmentKey: string): Promise<string | undefined>;
  /** Stores `json` (a snapshot at `revision`) unless the cached one is newer. Never rejects. */
  set(projectKey: string, environmentKey: string, revision: number, json: string): Promise<void>;
}
