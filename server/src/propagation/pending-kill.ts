import { PRINCIPAL_KINDS, type Actor } from '../auth/principal.js';
import { parseJsonObject } from './json-object.js';

/**
 * A kill switch accepted while Postgres was unreachable (see features/flag-config/deferred-kills.ts):
 * kept in Redis until a replica records it through the normal change path, and meanwhile applied
 * by every replica to the snapshots it serves.
 */
export interface PendingKill {
  /** Idempotency id (UUID): named in the audit reason, so a kill is recorded at most once. */
  id: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  reason: string;
  /** Whoever asked: the audit event's principal when the kill is recorded. */
  actor: Actor;
  /** ISO 8601, when the server accepted it; pending kills are recorded in this order. */
  acceptedAt: string;
  /**
   * The flag's configuration version in the snapshot served when the kill was accepted. The kill is
   * "reflected" (recorded, or overtaken by a later write) once the database's version is higher.
   */
  flagVersion: number;
}

/** The durable list of pending kills, shared by the replicas (Redis). */
export interface PendingKillStore {
  /** Every pending kill this replica knows, in the order they are to be recorded. */
  readonly kills: readonly PendingKill[];
  /** Stores `kill` durably and tells every replica; rejects when the store is unreachable. */
  add(kill: PendingKill): Promise<void>;
  /** Forgets a recorded kill and tells every replica. */
  remove(id: string): Promise<void>;
  /** Reads the list again from the store (start, reconnect, timer); rejects when unreachable. */
  reload(): Promise<void>;
  /** Called whenever `kills` changed. */
  onChange(listener: (kills: readonly PendingKill[]) => void): () => void;
  /** Takes the drain lock for `ttlMs` if nobody holds it; resolves to a release function, or null. */
  tryLock(ttlMs: number): Promise<(() => Promise<void>) | null>;
  /** True while the store answers commands. */
  readonly available: boolean;
}

/** Redis hash of pending kills, field = id, value = PendingKill JSON. */
export const PENDING_KILLS_KEY = 'switchyard:pending-kills';
/** Pub/sub channel telling replicas that a pending kill was added (`{"added":…}`) or removed (`{"removed":id}`). */
export const PENDING_KILLS_CHANNEL = 'switchyard:pending-kills';
/** Lock key of the drainer (one replica records pending kills at a time). */
export const PENDING_KILLS_LOCK_KEY = 'switchyard:pending-kills:lock';

/** Parses a stored pending kill; null when it is not one. */
export function parsePendingKill(text: string): PendingKill | null {
  const value = parseJsonObject(text);
  if (value === null) return null;
  const kill = value as Partial<PendingKill>;
  const strings = [
    kill.id,
    kill.projectKey,
    kill.environmentKey,
    kill.flagKey,
    kill.reason,
    kill.acceptedAt,
    kill.actor?.kind,
    kill.actor?.id,
    kill.actor?.display,
  ];
  if (strings.some((field) => typeof field !== 'string') || !Number.isInteger(kill.flagVersion)) return null;
  if (!PRINCIPAL_KINDS.includes(kill.actor!.kind)) return null;
  return kill as PendingKill;
}

/** Sorts pending kills into recording order: acceptance time, then id. */
export function byAcceptance(a: PendingKill, b: PendingKill): number {
  return a.acceptedAt < b.acceptedAt ? -1 : a.acceptedAt > b.acceptedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
