import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import {
  announcedChange,
  changedFields,
  changesChannel,
  snapshotFromHash,
  snapshotKey,
  type AnnouncedChange,
} from './redis-keys.js';
import type { Source, SourceHooks } from './sources.js';

/** The environment a Redis source follows. */
export interface EnvironmentKeys {
  projectKey: string;
  environmentKey: string;
}

export interface RedisSourceSettings {
  url: string;
  /** The keys to follow, when known (options, else the snapshot held). */
  keys(): EnvironmentKeys | undefined;
  pollIntervalMs: number;
}

/** Delays between reads when Redis still holds an older snapshot than a message announced. */
const CATCH_UP_DELAYS_MS = [50, 100, 200, 400, 800, 1_600];

/**
 * Direct Redis mode: subscribes to the environment's change channel and reads the snapshot the
 * flag servers keep in the hash `switchyard:snapshot-v2:<project>:<environment>` (one HGETALL, so
 * never a torn snapshot), so the client follows changes even while no flag server answers HTTP.
 * Pub/sub is at-most-once, so the key is also read on every (re)subscription and every
 * `pollIntervalMs`. `ioredis` is loaded only here, on first use.
 */
export class RedisSource implements Source {
  readonly #settings: RedisSourceSettings;
  readonly #hooks: SourceHooks;
  readonly #log: Required<Logger>;
  #subscriber: RedisClient | undefined;
  #commands: RedisClient | undefined;
  #subscribedTo: string | undefined;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #catchUpTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeCatchUp: (() => void) | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  /** Highest revision announced on the channel. */
  #announced = 0;
  /** The last change announced for the revision after the one held: read as its entries only. */
  #next: AnnouncedChange | undefined;
  #closed = false;
  #reportedDown = false;

  constructor(settings: RedisSourceSettings, hooks: SourceHooks, log: Required<Logger>) {
    this.#settings = settings;
    this.#hooks = hooks;
    this.#log = log;
  }

  start(): void {
    void this.#open().catch((error: unknown) => this.#hooks.failed(asError(error), true));
  }

  /** The client learned which environment it serves: subscribe if that was what we waited for. */
  nudge(): void {
    if (this.#subscriber && !this.#subscribedTo) this.#subscribe();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#pollTimer);
    clearTimeout(this.#catchUpTimer);
    this.#wakeCatchUp?.();
    this.#subscriber?.disconnect();
    this.#commands?.disconnect();
    await this.#reading?.catch(() => {});
  }

  async #open(): Promise<void> {
    let Redis: new (url: string, options: RedisOptions) => RedisClient;
    try {
      ({ Redis } = await import('ioredis'));
    } catch {
      throw new Error('Switchyard: the `redis` option needs the `ioredis` package (npm install ioredis)');
    }
    if (this.#closed) return;
    const common = {
      lazyConnect: false,
      // At most 1 s between attempts: the flag servers rewrite the snapshot key within about 1 s of
      // Redis coming back, and a kill made during the outage should reach this client soon after.
      retryStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 6), 1_000),
    };
    this.#commands = new Redis(this.#settings.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      connectionName: 'switchyard-sdk:commands',
    });
    this.#subscriber = new Redis(this.#settings.url, { ...common, connectionName: 'switchyard-sdk:subscriber' });
    for (const client of [this.#commands, this.#subscriber]) client.on('error', (error: Error) => this.#down(error));
    this.#commands.on('ready', () => {
      this.#reportedDown = false;
      this.read();
    });
    this.#subscriber.on('ready', () => this.read()); // (re)subscribed: messages may have been missed
    this.#subscriber.on('message', (_channel: string, text: string) => {
      const change = announcedChange(text);
      if (change === undefined) return;
      const { revision } = change;
      this.#hooks.contact();
      if (revision > this.#announced) this.#announced = revision;
      const held = this.#hooks.confirmedRevision();
      if (held !== undefined && revision === held + 1 && change.flags.length + change.segments.length > 0) {
        this.#next = change;
      }
      if (revision > (held ?? -1)) this.read();
    });
    this.#subscribe();
    this.#pollTimer = setInterval(() => this.read(), this.#settings.pollIntervalMs);
    this.#pollTimer.unref();
  }

  #subscribe(): void {
    const keys = this.#settings.keys();
    if (!keys || !this.#subscriber) return; // nudge() retries once a snapshot names the environment
    const channel = changesChannel(keys.projectKey, keys.environmentKey);
    this.#subscribedTo = channel;
    this.#subscriber.subscribe(channel).catch((error: unknown) => this.#down(asError(error)));
    this.read();
  }

  /** Reads the snapshot key (coalesced: at most one read in flight plus one queued). */
  read(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = this.#readLoop().finally(() => {
      this.#reading = undefined;
    });
  }

  async #readLoop(): Promise<void> {
    do {
      this.#readAgain = false;
      await this.#readOnce();
    } while (this.#readAgain && !this.#closed);
  }

  async #readOnce(attempt = 0): Promise<void> {
    const keys = this.#settings.keys();
    const commands = this.#commands;
    if (!keys || !commands || commands.status !== 'ready') return;
    const next = this.#next;
    this.#next = undefined;
    if (next && attempt === 0 && next.revision === (this.#hooks.confirmedRevision() ?? -2) + 1) {
      // The usual case, one change after the revision held: read only its entries (one HMGET,
      // atomic like HGETALL), not the whole environment.
      const read = changedFields(next);
      try {
        const patch = read.patch(
          await commands.hmget(snapshotKey(keys.projectKey, keys.environmentKey), ...read.fields),
        );
        if (this.#closed) return;
        if (patch !== undefined && this.#hooks.patch(patch) === 'applied') return this.#hooks.contact();
      } catch (error) {
        this.#down(asError(error));
        return;
      }
    }
    let fields: Record<string, string>;
    try {
      fields = await commands.hgetall(snapshotKey(keys.projectKey, keys.environmentKey));
    } catch (error) {
      this.#down(asError(error));
      return;
    }
    if (this.#closed) return;
    const snapshot = snapshotFromHash(fields);
    if (snapshot === null) return this.#hooks.contact();
    const status = this.#hooks.put(snapshot, { allowOlder: false });
    if (status === 'invalid') this.#hooks.failed(new Error('Switchyard: Redis holds an invalid snapshot'), true);
    else this.#hooks.contact();
    // The server stores the snapshot after it rebuilt it, which can be just after the announcement.
    const held = this.#hooks.confirmedRevision() ?? -1;
    if (held < this.#announced && attempt < CATCH_UP_DELAYS_MS.length) {
      await new Promise<void>((resolve) => {
        this.#wakeCatchUp = resolve;
        this.#catchUpTimer = setTimeout(resolve, CATCH_UP_DELAYS_MS[attempt]);
        this.#catchUpTimer.unref();
      });
      this.#wakeCatchUp = undefined;
      if (!this.#closed) await this.#readOnce(attempt + 1);
    }
  }

  #down(error: Error): void {
    if (this.#closed || this.#reportedDown) return;
    this.#reportedDown = true; // ioredis retries on its own; one report per outage
    this.#log.warn(`switchyard: Redis unavailable (${error.message})`);
    this.#hooks.failed(new Error(`Switchyard: Redis unavailable: ${error.message}`), true);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
