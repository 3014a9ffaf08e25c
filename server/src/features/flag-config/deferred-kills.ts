import { randomUUID } from 'node:crypto';
import type { Snapshot } from '@switchyard/core';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../auth/principal.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { HttpError, notFound } from '../../http/errors.js';
import type { ChangeBus, SnapshotCacheStore } from '../../propagation/bus.js';
import type { ChangeMessage } from '../../propagation/change-message.js';
import type { PendingKill, PendingKillStore } from '../../propagation/pending-kill.js';
import { PeriodicTask } from '../../jobs/periodic-task.js';
import { applyPendingKills } from '../../snapshots/kill-overlay.js';
import type { FlagConfigService } from './service.js';

/** How often every replica tries to record pending kills (a no-op while there are none). */
const DRAIN_INTERVAL_MS = 1_000;
/** Every this many ticks, the list is read again from Redis. */
const RELOAD_EVERY_TICKS = 5;
/**
 * How long the drainer's lock lives if its holder dies while recording. Short, so a crashed holder
 * delays recording little; a drain outliving it is harmless (recording is idempotent).
 */
const DRAIN_LOCK_MS = 10_000;

export interface DeferredKillsDeps {
  store: PendingKillStore;
  bus: ChangeBus;
  cache: SnapshotCacheStore | undefined;
  /** What this replica serves for an environment it holds, pending kills applied (`SnapshotFeeds.servedByKeys`). */
  served(projectKey: string, environmentKey: string): Snapshot | undefined;
  service: FlagConfigService;
  onError(error: unknown): void;
  /** A pending kill could not be recorded and was dropped (its flag or environment is gone). */
  onDropped(kill: PendingKill, error: HttpError): void;
}

/** What `accept` answers (202). */
export interface AcceptedKill {
  pending: true;
  id: string;
  flag: string;
  environment: string;
  acceptedAt: string;
  /** The revision SDKs are served with the kill applied. */
  revision: number;
}

/**
 * The kill switch while Postgres is unreachable (incidents are exactly when databases fail).
 * `accept` keeps the kill in Redis (durable as far as Redis is), and every replica applies the
 * pending kills to the snapshots it serves (kill-overlay.ts: streams get a `put`, the snapshot
 * endpoint and the shared snapshot key the killed flag), so SDKs turn the flag off within the bus's
 * delay. `drain` (every replica on a timer, one at a time under a Redis lock) records each pending
 * kill through the normal change path once Postgres answers: one audit event, one revision, the
 * outbox; the audit reason names the kill's id, which makes recording idempotent.
 */
export class DeferredKills {
  readonly #deps: DeferredKillsDeps;
  #ticks = 0;

  constructor(deps: DeferredKillsDeps) {
    this.#deps = deps;
  }

  /**
   * Accepts a kill that Postgres could not take. 503 when Redis is unreachable too, or when this
   * server knows neither the environment's snapshot nor its shared key (it cannot check the flag);
   * 404 when the flag is not in the environment's snapshot.
   */
  async accept(input: {
    projectKey: string;
    flagKey: string;
    environmentKey: string;
    reason: string;
    actor: Actor;
  }): Promise<AcceptedKill> {
    const { store, cache } = this.#deps;
    const { projectKey, environmentKey, flagKey } = input;
    if (!store.available) throw unavailable('Neither the database nor Redis is reachable; the kill was not recorded');
    const held = this.#deps.served(projectKey, environmentKey);
    const served = held ?? (await cache?.get(projectKey, environmentKey));
    if (!served) {
      throw unavailable(
        `The database is unreachable and this server does not know environment '${environmentKey}'; retry shortly`,
      );
    }
    const flag = served.flags.find((entry) => entry.key === flagKey);
    if (!flag) throw notFound(`Flag '${flagKey}' is not in environment '${environmentKey}'`);
    const kill: PendingKill = {
      id: randomUUID(),
      ...input,
      acceptedAt: new Date().toISOString(),
      flagVersion: flag.version,
    };
    try {
      await store.add(kill); // every replica holding the environment now serves it killed
    } catch (error) {
      this.#deps.onError(error);
      throw unavailable('Neither the database nor Redis is reachable; the kill was not recorded');
    }
    const killed = (held ? this.#deps.served(projectKey, environmentKey) : applyPendingKills(served, [kill])) ?? served;
    // Direct-Redis SDKs read the shared key: make sure it holds the kill even when no replica holds
    // the environment, then announce the revision (marked, so replicas do not take it for a commit).
    if (!held) await cache?.set(killed, served);
    const announcement = {
      projectKey,
      environmentKey,
      revision: killed.revision,
      changed: { flags: [flagKey], segments: [] },
    };
    await this.#deps.bus.publish([{ ...announcement, pendingKill: true } as ChangeMessage]).catch(this.#deps.onError);
    return {
      pending: true,
      id: kill.id,
      flag: flagKey,
      environment: environmentKey,
      acceptedAt: kill.acceptedAt,
      revision: killed.revision,
    };
  }

  /** Whether a kill of this flag in this environment is waiting in Redis to be recorded. */
  isPending(projectKey: string, flagKey: string, environmentKey: string): boolean {
    return this.#deps.store.kills.some(
      (kill) => kill.projectKey === projectKey && kill.flagKey === flagKey && kill.environmentKey === environmentKey,
    );
  }

  /**
   * The drainer's timer: `drain`, and every few ticks a fresh read of the list, in case this replica
   * missed a notice (pub/sub is at most once) while its subscription stayed up.
   */
  async tick(): Promise<void> {
    if (++this.#ticks % RELOAD_EVERY_TICKS === 0 && this.#deps.store.available) await this.#deps.store.reload();
    await this.drain();
  }

  /**
   * Records the pending kills, in acceptance order, when this replica gets the drain lock; stops at
   * the first one Postgres cannot take yet (the timer tries again). A kill whose flag or environment
   * no longer exists is dropped (`onDropped`).
   */
  async drain(): Promise<void> {
    const { store, service } = this.#deps;
    if (store.kills.length === 0 || !store.available) return;
    const release = await store.tryLock(DRAIN_LOCK_MS);
    if (!release) return;
    try {
      await store.reload(); // what another replica recorded meanwhile is gone from the list
      for (const kill of [...store.kills]) {
        try {
          await service.recordPendingKill(kill, auditReason(kill));
        } catch (error) {
          if (error instanceof HttpError && error.statusCode < 500) this.#deps.onDropped(kill, error);
          else {
            if (!isDatabaseUnavailable(error)) this.#deps.onError(error);
            return;
          }
        }
        await store.remove(kill.id);
      }
    } finally {
      await release();
    }
  }
}

/** The audit reason of a recorded pending kill: the operator's reason, when, and the kill's id. */
export function auditReason(kill: PendingKill): string {
  return `${kill.reason} [accepted at ${kill.acceptedAt} while the database was unreachable; pending kill ${kill.id}]`;
}

function unavailable(message: string): HttpError {
  return new HttpError(503, message);
}

/**
 * Sets up deferred kills for an app whose bus keeps pending kills (Redis): the drainer runs every
 * second from start to close. Undefined otherwise (embedded mode, no REDIS_URL): a kill while the
 * database is unreachable is then a 503 like any other write.
 */
export function registerDeferredKills(app: FastifyInstance, service: FlagConfigService): DeferredKills | undefined {
  const deferred = deferredKillsOf(app, service);
  if (!deferred) return undefined;
  const onError = (error: unknown) => app.log.warn({ err: error }, 'deferred kills: error');
  const drainer = new PeriodicTask(() => deferred.tick(), DRAIN_INTERVAL_MS, onError);
  app.addHook('onReady', async () => drainer.start());
  app.addHook('onClose', async () => drainer.stop());
  return deferred;
}

/**
 * Deferred kills for another feature that kills (triggers) without a drainer of its own: the
 * pending kills live in Redis, and the drainer `registerDeferredKills` starts records them all.
 */
export function deferredKillsOf(app: FastifyInstance, service: FlagConfigService): DeferredKills | undefined {
  const { bus, feeds } = app.propagation;
  const store = bus.pendingKills;
  if (!store) return undefined;
  const onError = (error: unknown) => app.log.warn({ err: error }, 'deferred kills: error');
  return new DeferredKills({
    store,
    bus,
    cache: bus.snapshots,
    served: (projectKey, environmentKey) => feeds.servedByKeys(projectKey, environmentKey)?.snapshot,
    service,
    onError,
    onDropped: (kill, error) =>
      app.log.error({ kill, err: error }, 'deferred kills: a pending kill could not be recorded and was dropped'),
  });
}
