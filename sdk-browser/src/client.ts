import {
  evaluate as evaluateCompiled,
  isEnabled as isEnabledCompiled,
  type EvaluationContext,
  type FlagType,
  type JsonValue,
} from '@switchyard/core';
import { Emitter, SnapshotStore, isSnapshot, type Listener } from '@switchyard/core/sync';
import { SnapshotCache, defaultStorage } from './cache.js';
import { Connection } from './connection.js';
import { defaultResult, evaluateValue, typeOfDefault } from './evaluation.js';
import type { BrowserClientOptions, ClientEvents, EvaluationDetails } from './types.js';

/**
 * A Switchyard client for browsers. Flags are evaluated locally and synchronously by the core
 * evaluator against the snapshot the server sends to client tokens; updates arrive over SSE.
 * Evaluation methods never throw: on any problem they return the caller's default with a reason.
 * Create one with {@link createBrowserClient}.
 */
export class BrowserClient {
  readonly #store = new SnapshotStore();
  readonly #events = new Emitter<ClientEvents>((error) =>
    // An application listener threw: surface it as an uncaught error without breaking the client.
    setTimeout(() => {
      throw error;
    }),
  );
  readonly #cache: SnapshotCache;
  readonly #connection: Connection | undefined;
  readonly #readyPromise: Promise<void>;
  #settleReady!: (error?: Error) => void;
  #context: EvaluationContext;
  /** Bootstrap value map; used until the server confirms a snapshot. */
  #values: Readonly<Record<string, JsonValue>> | undefined;
  #isReady = false;
  #isStale = false;

  constructor(options: BrowserClientOptions) {
    const url = options.url.replace(/\/+$/, '');
    this.#context = options.context ?? {};
    this.#readyPromise = new Promise((resolve, reject) => {
      this.#settleReady = (error) => (error ? reject(error) : resolve());
    });
    this.#readyPromise.catch(() => {}); // rejection is reported to whoever awaits ready(), not as unhandled
    this.#cache = new SnapshotCache(
      options.storage === null ? undefined : (options.storage ?? defaultStorage()),
      url,
      options.clientKey,
    );
    this.#store.applyPut(this.#cache.load());
    const { bootstrap } = options;
    // Of the cache and a bootstrap snapshot, the newer revision wins.
    if (isSnapshot(bootstrap)) this.#store.applyPut(bootstrap);
    else if (bootstrap && typeof bootstrap === 'object' && !('schemaVersion' in bootstrap && 'flags' in bootstrap)) {
      this.#values = bootstrap;
    }
    const hasBootstrap = this.#values !== undefined || isSnapshot(bootstrap);

    if (!options.offline) {
      this.#connection = new Connection(
        this.#store,
        {
          url,
          clientKey: options.clientKey,
          streaming: options.streaming ?? true,
          pollIntervalMs: options.pollIntervalMs ?? 30_000,
          hiddenPauseMs: options.hiddenPauseMs ?? 300_000,
          reconnectMinMs: options.reconnectMinMs ?? 1_000,
          reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
          fetch: options.fetch,
          EventSource: options.EventSource ?? globalThis.EventSource,
        },
        { synced: (changed) => this.#synced(changed), failed: (error, conclusive) => this.#failed(error, conclusive) },
      );
      this.#connection.start();
    }
    // Deferred so that listeners added right after creation see the first `ready`.
    void Promise.resolve().then(() => {
      if (hasBootstrap || (options.offline && this.#hasFlags())) this.#markReady();
      else if (options.offline) this.#settleReady(new Error('Switchyard: offline client without bootstrap or cache'));
    });
  }

  /** Resolves once the client has flags; rejects if the first connection fails with nothing to serve. */
  ready(): Promise<void> {
    return this.#readyPromise;
  }

  /** `true` when `flagKey` is a boolean flag serving `true`; `defaultValue` on unknown flags or errors. */
  isEnabled(flagKey: string, defaultValue = false): boolean {
    const compiled = this.#values ? undefined : this.#store.compiled;
    if (compiled) return isEnabledCompiled(compiled, flagKey, this.#context, defaultValue);
    const value = this.evaluate(flagKey, defaultValue, 'boolean').value;
    return typeof value === 'boolean' ? value : defaultValue;
  }

  /**
   * The flag's value, or `defaultValue` when the flag is unknown, fails, or is not of the default's
   * type (a `boolean`, `string` or `number` default asks for that flag type; an object or array asks
   * for `json`; `null` accepts any type). For a `json` flag holding a primitive, use {@link evaluate}.
   */
  getValue(flagKey: string, defaultValue: boolean): boolean;
  getValue(flagKey: string, defaultValue: string): string;
  getValue(flagKey: string, defaultValue: number): number;
  getValue<T extends JsonValue>(flagKey: string, defaultValue: T): T;
  getValue<T extends JsonValue>(flagKey: string, defaultValue: T): T {
    return this.evaluate(flagKey, defaultValue, typeOfDefault(defaultValue)).value as T;
  }

  /** Key of the variant served (e.g. `control` / `treatment`), or `defaultVariant` on failure. */
  getVariant(flagKey: string, defaultVariant?: string): string | undefined {
    return this.evaluate(flagKey).variant ?? defaultVariant;
  }

  /** Full evaluation details: value, variant, reason, rule, error code. */
  evaluate<T = JsonValue>(
    flagKey: string,
    defaultValue: T = null as T,
    expectedType?: FlagType,
  ): EvaluationDetails<T | JsonValue> {
    if (this.#values) return evaluateValue(this.#values, flagKey, defaultValue, expectedType);
    const compiled = this.#store.compiled;
    if (compiled) return evaluateCompiled(compiled, flagKey, this.#context, defaultValue, expectedType);
    return defaultResult(defaultValue, 'PROVIDER_NOT_READY', 'Switchyard: no flags loaded yet');
  }

  /** Values of every flag for the current context. */
  allFlags(): Record<string, JsonValue> {
    const all: Record<string, JsonValue> = {};
    for (const key of this.#flagKeys()) all[key] = this.evaluate(key).value;
    return all;
  }

  /** The current evaluation context. */
  getContext(): EvaluationContext {
    return this.#context;
  }

  /**
   * Switches to a new context (e.g. after login). Evaluation is local, so this needs no network;
   * emits `change` for the flags whose value differs for the new context.
   */
  async identify(context: EvaluationContext): Promise<void> {
    this.#emitChanges(() => (this.#context = context ?? {}));
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents, K>): () => void {
    return this.#events.on(event, listener);
  }

  /** Unsubscribes a listener added with {@link on}. */
  off<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents, K>): void {
    this.#events.off(event, listener);
  }

  /** Stops all network activity and timers. Evaluation keeps working on the last flags. */
  close(): void {
    this.#connection?.close();
    this.#events.clear();
  }

  #hasFlags(): boolean {
    return this.#values !== undefined || this.#store.compiled !== undefined;
  }

  #flagKeys(): string[] {
    return this.#values ? Object.keys(this.#values) : (this.#store.compiled?.flagKeys() ?? []);
  }

  /** Each flag's value for the current context, as comparable JSON text. */
  #answers(): Map<string, string> {
    return new Map(this.#flagKeys().map((key) => [key, JSON.stringify(this.evaluate(key).value)]));
  }

  /** Runs `update` and emits `change` for every flag whose value it changed. */
  #emitChanges(update: () => void): void {
    const before = this.#answers();
    update();
    const after = this.#answers();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (key) => before.get(key) !== after.get(key),
    );
    if (changed.length > 0) this.#events.emit('change', { flags: changed.sort() });
  }

  #synced(changedFlags: string[]): void {
    const snapshot = this.#store.snapshot;
    if (!snapshot) return;
    if (this.#values) {
      // The server's snapshot supersedes the bootstrap values: report every answer that moved.
      this.#emitChanges(() => (this.#values = undefined));
    } else if (changedFlags.length > 0) {
      this.#events.emit('change', { flags: changedFlags });
    }
    this.#cache.save(snapshot);
    if (!this.#isReady) this.#markReady();
    else if (this.#isStale) {
      this.#isStale = false;
      this.#events.emit('ready');
    }
  }

  #failed(error: Error, conclusive: boolean): void {
    this.#events.emit('error', error);
    if (!this.#isReady) {
      // Wait for the snapshot fetch that follows a stream failure before judging the first contact.
      if (!conclusive) return;
      // First contact failed: serve the cache if there is one, else give up on ready() (retries go on).
      if (this.#hasFlags()) this.#markReady();
      else return this.#settleReady(error);
    }
    if (!this.#isStale) {
      this.#isStale = true;
      this.#events.emit('stale');
    }
  }

  #markReady(): void {
    if (this.#isReady) return;
    this.#isReady = true;
    this.#settleReady();
    this.#events.emit('ready');
  }
}

/**
 * Creates a browser client and starts syncing.
 *
 * @example
 * const client = createBrowserClient({ url: 'https://flags.example.com', clientKey: 'sy_client_…', context: { userId: 'u-42' } });
 * await client.ready();
 * if (client.isEnabled('new-checkout')) renderNewCheckout();
 */
export function createBrowserClient(options: BrowserClientOptions): BrowserClient {
  return new BrowserClient(options);
}
