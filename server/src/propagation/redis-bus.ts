import { Redis, type RedisOptions } from 'ioredis';
import type { ChangeBus, ChangeMessageListener } from './bus.js';
import { CHANGES_CHANNEL_PREFIX, changesChannel, parseChangeMessage, type ChangeMessage } from './change-message.js';
import { PENDING_KILLS_CHANNEL } from './pending-kill.js';
import { RedisPendingKills } from './redis-pending-kills.js';
import { RetryingSnapshotStore, type CommandsClient } from './redis-snapshot-store.js';
import { WRITE_DELTA, WRITE_FULL } from './snapshot-hash.js';
import {
  parseRevocationMessage,
  REVOCATIONS_CHANNEL,
  type RevocationListener,
  type RevocationMessage,
} from './revocation-message.js';

/** Echoes of own messages awaited at most (see `RedisBus.#echoes`); past this the oldest is forgotten. */
const MAX_AWAITED_ECHOES = 1_000;

export interface RedisBusOptions {
  url: string;
  /** Where connection problems are reported (rate-limited by the caller's logger, if at all). */
  onError?: (error: unknown) => void;
  /** Longest wait between reconnection attempts (default 1 s: the snapshot keys are rewritten on reconnect). */
  maxReconnectDelayMs?: number;
}

/**
 * The bus of replicated deployments: Redis pub/sub on one channel per environment (and one for
 * revocations), plus the shared snapshot cache. Two connections: one for commands (fails fast while Redis is down, so the outbox
 * keeps unpublished rows instead of an unbounded in-memory queue) and one subscribed to every
 * environment's channel (ioredis resubscribes after a reconnect; we then tell receivers to reload).
 */
export class RedisBus implements ChangeBus {
  readonly kind = 'redis' as const;
  readonly snapshots: RetryingSnapshotStore;
  readonly pendingKills: RedisPendingKills;
  readonly #commands: CommandsClient;
  readonly #subscriber: Redis;
  readonly #listeners = new Set<ChangeMessageListener>();
  readonly #revocationListeners = new Set<RevocationListener>();
  readonly #resubscribed = new Set<() => void>();
  #wasReady = false;
  #closed = false;
  /**
   * Texts of change messages published here with `appliedHere` whose echo has not come back yet.
   * Redis delivers every message to every subscriber, its publisher included; a change this
   * replica committed and applied already needs no second notice, so its echo is dropped unread
   * (no JSON parse, no listener: ~2 % of the writer's main-thread samples per toggle). Messages of the outbox
   * drain (any replica's changes) come back as usual. Bounded: echoes lost in a disconnect are not
   * awaited forever.
   */
  readonly #echoes = new Set<string>();

  constructor(options: RedisBusOptions) {
    const maxDelay = options.maxReconnectDelayMs ?? 1_000;
    const onError = options.onError ?? (() => {});
    const common: RedisOptions = {
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
      lazyConnect: false,
    };
    this.#commands = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      connectionName: 'switchyard:commands',
      // Commands sent in one turn of the event loop go out in one write: after a change, the
      // snapshot hash's EVALSHA and the PUBLISH of its message (one syscall each was ~15% of a
      // toggle's CPU on the writer).
      enableAutoPipelining: true,
    }) as CommandsClient;
    this.#commands.defineCommand('writeSnapshotFull', { numberOfKeys: 2, lua: WRITE_FULL });
    this.#commands.defineCommand('writeSnapshotDelta', { numberOfKeys: 1, lua: WRITE_DELTA });
    this.#commands.on('error', onError);

    this.#subscriber = new Redis(options.url, { ...common, connectionName: 'switchyard:subscriber' });
    this.#subscriber.on('error', onError);
    this.#subscriber.on('pmessage', (_pattern: string, _channel: string, text: string) => {
      if (this.#echoes.delete(text)) return;
      const message = parseChangeMessage(text);
      if (!message) return;
      for (const listener of this.#listeners) listener(message);
    });
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel !== REVOCATIONS_CHANNEL) return;
      const message = parseRevocationMessage(text);
      if (!message) return;
      for (const listener of this.#revocationListeners) listener(message);
    });
    this.#subscriber.on('ready', () => {
      // ioredis re-sends PSUBSCRIBE before 'ready'; anything published while we were away is lost.
      if (this.#wasReady && !this.#closed) for (const listener of this.#resubscribed) listener();
      this.#wasReady = true;
    });
    void this.#subscriber.psubscribe(`${CHANGES_CHANNEL_PREFIX}*`).catch(onError);
    void this.#subscriber.subscribe(REVOCATIONS_CHANNEL).catch(onError);

    this.snapshots = new RetryingSnapshotStore(this.#commands);
    const pendingKills = new RedisPendingKills(this.#commands);
    this.pendingKills = pendingKills;
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === PENDING_KILLS_CHANNEL) pendingKills.receive(text);
    });
    void this.#subscriber.subscribe(PENDING_KILLS_CHANNEL).catch(onError);
  }

  async publish(messages: readonly ChangeMessage[], options: { appliedHere?: boolean } = {}): Promise<void> {
    if (messages.length === 0) return;
    if (this.#commands.status !== 'ready') throw new Error(`Redis is not connected (${this.#commands.status})`);
    // Auto-pipelined (see the constructor): one write with whatever else this turn sends.
    await Promise.all(
      messages.map((message) => {
        const text = JSON.stringify(message);
        if (options.appliedHere) {
          if (this.#echoes.size >= MAX_AWAITED_ECHOES) this.#echoes.delete(this.#echoes.values().next().value!);
          this.#echoes.add(text);
        }
        return this.#commands.publish(changesChannel(message.projectKey, message.environmentKey), text);
      }),
    );
  }

  async publishRevocation(message: RevocationMessage): Promise<void> {
    if (this.#commands.status !== 'ready') throw new Error(`Redis is not connected (${this.#commands.status})`);
    await this.#commands.publish(REVOCATIONS_CHANNEL, JSON.stringify(message));
  }

  onRevocation(listener: RevocationListener): () => void {
    this.#revocationListeners.add(listener);
    return () => this.#revocationListeners.delete(listener);
  }

  subscribe(listener: ChangeMessageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onResubscribed(listener: () => void): () => void {
    this.#resubscribed.add(listener);
    return () => this.#resubscribed.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#revocationListeners.clear();
    this.#resubscribed.clear();
    this.snapshots.close();
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }
}
