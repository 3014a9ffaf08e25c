import {
  errorResult,
  evaluate as evaluateCompiled,
  isEnabled as isEnabledCompiled,
  serveFlag,
  type EvaluationContext,
  type FlagType,
  type CompiledSnapshot,
  type JsonValue,
  type Snapshot,
} from '@switchyard/core';
import { createEmitter, RECONNECT_BACKOFF, type Emitter, type Listener } from '@switchyard/core/sync';
import { createIncrementalSnapshotStore } from '@switchyard/core/sync/incremental';
import { typeOfDefault } from '@switchyard/core/client-api';
import { HttpSource } from './http-source.js';
import type { HttpSettings } from './http.js';
import { ServerList, serverUrls } from './server-list.js';
import { readBootstrap, SnapshotFile } from './local-files.js';
import { checkLocalSnapshot, checkLocalSnapshotAsync } from './local-snapshot-check.js';
import { safeLogger, type Logger } from './logger.js';
import { RedisSource } from './redis-source.js';
import type { Source, SourceHooks } from './sources.js';
import type { AllFlagsOptions, ClientEvents, EvaluationDetails, NodeClientOptions, VariantResult } from './types.js';
import { UsageCounter, type FlagUsage } from './usage-counter.js';
import { BatchReporter } from './batch-reporter.js';
import type { EventReport } from './event-counter.js';
import { EventTracker } from './event-tracker.js';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * A Switchyard client for Node.js servers. Flags are evaluated locally and synchronously by the core
 * evaluator against the environment's snapshot, which the client keeps current over the server's
 * SSE stream (polling while it is down) and/or the server's Redis. Evaluation never throws: on any
 * problem it returns the caller's default with a reason and an error code.
 * Create one with {@link createClient}; one per process and token is enough.
 */
export class SwitchyardClient {
  /** Incremental: a patch costs what it touches, not the snapshot's size (see core's store). */
  readonly #store = createIncrementalSnapshotStore();
  /**
   * `#store.compiled`, mirrored after every store update (see {@link #syncCompiled}): the evaluation
   * hot path reads a field.
   */
  #compiled: CompiledSnapshot | undefined;
  readonly #log: Required<Logger>;
  readonly #events: Emitter<ClientEvents>;
  readonly #sources: Source[] = [];
  readonly #redis: RedisSource | undefined;
  readonly #cacheFile: SnapshotFile | undefined;
  readonly #usage: UsageCounter | undefined;
  /**
   * `#usage.flags`, which every counted evaluation reads. Set here rather than in the constructor,
   * so V8 sees a field that never changes (one load less where it knows the client object).
   */
  readonly #counted = new Map<string, FlagUsage>();
  readonly #reporter: BatchReporter<unknown> | undefined;
  /** `track()`: which variants each context was served, and the events' sums (with metrics only). */
  readonly #tracker: EventTracker | undefined;
  /**
   * `#tracker` once `track()` has been called, else `undefined`: evaluations record which variant
   * they served each context only from then on, so an app that never tracks pays nothing for it.
   */
  #attributing: EventTracker | undefined;
  readonly #eventReporter: BatchReporter<EventReport> | undefined;
  readonly #staleAfterMs: number;
  readonly #readyPromise: Promise<void>;
  #settleReady!: (error?: Error) => void;
  #readySettled = false;
  /** The last failure, named in `ready()`'s rejection. */
  #lastError: Error | undefined;
  /** Set once the server refused the key: the client has stopped for good. */
  #fatalError: Error | undefined;
  /** The snapshot held came from the server (or its Redis), not only from bootstrap / cache file. */
  #confirmed = false;
  #isReady = false;
  #isStale = false;
  /** An error or `stale` was reported since the last `ready`: the next contact announces recovery. */
  #degraded = false;
  #fellBack = false;
  #closed = false;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  #readyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: NodeClientOptions) {
    this.#log = safeLogger(options.logger);
    this.#events = createEmitter<ClientEvents>((error) =>
      this.#log.error('switchyard: an event listener threw', error),
    );
    this.#staleAfterMs = options.staleAfterMs ?? 60_000;
    this.#readyPromise = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => {
        this.#readySettled = true;
        clearTimeout(this.#readyTimer);
        if (error) reject(error);
        else resolve();
      };
    });
    this.#readyPromise.catch(() => {}); // reported to whoever awaits ready(), not as an unhandled rejection
    if (typeof options.sdkKey !== 'string' || options.sdkKey === '') {
      throw new TypeError('Switchyard: createClient needs an sdkKey (a server token, sy_server_…)');
    }
    const urls = serverUrls(options.url);

    const bootstrap = readBootstrap(options.bootstrap);
    if (bootstrap.error) this.#log.warn(bootstrap.error.message);
    const bootstrapValue = checkLocalSnapshot(bootstrap.value, 'the bootstrap', this.#log);
    if (bootstrapValue !== undefined && this.#store.applyPut(bootstrapValue) === 'invalid') {
      this.#log.warn('switchyard: ignored the bootstrap: it is not a snapshot');
    }
    this.#cacheFile = options.cacheFile ? new SnapshotFile(options.cacheFile) : undefined;

    const http: HttpSettings | undefined = urls.length
      ? {
          servers: new ServerList(urls),
          sdkKey: options.sdkKey,
          fetch: options.fetch ?? globalThis.fetch,
          requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
        }
      : undefined;
    const hooks = this.#hooks();
    if (http) {
      this.#sources.push(
        new HttpSource(
          {
            ...http,
            streaming: options.streaming ?? true,
            pollIntervalMs: options.pollIntervalMs ?? 30_000,
            reconnectMinMs: options.reconnectMinMs ?? RECONNECT_BACKOFF.minMs,
            reconnectMaxMs: options.reconnectMaxMs ?? RECONNECT_BACKOFF.maxMs,
            heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 35_000,
          },
          hooks,
          this.#log,
        ),
      );
    }
    if (options.redis) {
      const { projectKey, environmentKey } = options.redis;
      this.#redis = new RedisSource(
        {
          url: options.redis.url,
          pollIntervalMs: options.redis.pollIntervalMs ?? 30_000,
          keys: () => {
            const held = this.#store.compiled?.snapshot;
            const project = projectKey ?? held?.projectKey;
            const environment = environmentKey ?? held?.environmentKey;
            return project && environment ? { projectKey: project, environmentKey: environment } : undefined;
          },
        },
        hooks,
        this.#log,
      );
      this.#sources.push(this.#redis);
    }
    if (http && options.metrics !== false) {
      const flushIntervalMs = options.metrics?.flushIntervalMs ?? 60_000;
      this.#usage = new UsageCounter(options.metrics?.maxKeys ?? 10_000, this.#counted);
      this.#reporter = new BatchReporter(
        this.#usage,
        { path: 'metrics', what: 'usage metrics', items: 'evaluations' },
        http,
        flushIntervalMs,
        this.#log,
      );
      if (options.events !== false) {
        this.#tracker = new EventTracker(
          {
            maxContexts: options.events?.maxContexts ?? 10_000,
            maxFlagsPerContext: options.events?.maxFlagsPerContext ?? 50,
            maxKeys: options.events?.maxKeys ?? 10_000,
          },
          this.#log,
        );
        this.#eventReporter = new BatchReporter(
          this.#tracker,
          { path: 'events', what: 'tracked events', items: 'events' },
          http,
          flushIntervalMs,
          this.#log,
        );
      }
    }
    this.#syncCompiled();

    for (const source of this.#sources) source.start();
    if (this.#sources.length === 0) {
      // Offline: bootstrap and cache file are all there is.
      void this.#fallBack();
    } else {
      this.#armStaleTimer();
      this.#readyTimer = setTimeout(
        () => this.#readyTimedOut(options.readyTimeoutMs ?? 10_000),
        options.readyTimeoutMs ?? 10_000,
      );
      // Only a pending `ready()` call keeps the process alive (see ready()).
      this.#readyTimer.unref();
    }
  }

  /**
   * Resolves once the client has flags: the server's snapshot, or — when the first attempt to
   * reach the server failed — the bootstrap or cache file. Always settles: rejects with an `Error`
   * naming the cause
   * - after `readyTimeoutMs` (default 10 s) without any flags (server unreachable, 5xx, …; the
   *   message carries the last failure); the client keeps retrying in the background;
   * - at once when the server refuses the key (401/403), bootstrap or not: the client has then
   *   stopped for good (see the `failed` event).
   * Evaluation never waits for it: it serves the bootstrap, or the callers' defaults.
   *
   * A client nobody calls `ready()` on never produces an unhandled rejection, and its timers do not
   * keep the process alive; while a `ready()` call is pending, the process stays up until it
   * settles (so `await client.ready()` in a script reports its failure instead of the process
   * exiting with code 13, "unsettled top-level await").
   */
  ready(): Promise<void> {
    if (!this.#readySettled) this.#readyTimer?.ref();
    return this.#readyPromise;
  }

  /** The error the client stopped for (the server refused the key), or `undefined` while it runs. */
  get failure(): Error | undefined {
    return this.#fatalError;
  }

  /** Revision of the snapshot held, or `undefined` when the client has none. */
  get revision(): number | undefined {
    return this.#store.compiled?.revision;
  }

  /** The snapshot held (for diagnostics and for saving a bootstrap file). */
  get snapshot(): Snapshot | undefined {
    return this.#store.compiled?.snapshot;
  }

  /** Evaluations not counted in usage metrics because their key cap was reached. */
  get droppedUsageCount(): number {
    return this.#usage?.dropped ?? 0;
  }

  /**
   * `true` when the boolean flag `flagKey` serves `true` for `context`; `defaultValue` when the
   * flag is unknown, not a boolean, or the client has no flags yet. Synchronous; never throws.
   */
  isEnabled(flagKey: string, context: EvaluationContext = EMPTY_CONTEXT, defaultValue = false): boolean {
    // The hot path, kept small so V8 inlines it with core's evaluator into the caller. With metrics,
    // the counter's table is the one lookup: it holds the flag's snapshot, core handle and counts.
    const usage = this.#usage;
    if (usage === undefined) {
      const compiled = this.#compiled;
      return compiled === undefined ? defaultValue : isEnabledCompiled(compiled, flagKey, context, defaultValue);
    }
    const flag = this.#counted.get(flagKey) ?? usage.flag(flagKey);
    if (flag === undefined) return defaultValue;
    const result = serveFlag(flag.compiled, flag.handle, context, 'boolean');
    usage.count(flag, result);
    if (result !== undefined) this.#attributing?.served(context, flagKey, result.variant!);
    const value = result?.value;
    return typeof value === 'boolean' ? value : defaultValue;
  }

  /**
   * The flag's value for `context`, or `defaultValue` when the flag is unknown, fails, or is not of
   * the default's type (a `boolean`, `string` or `number` default asks for that flag type; an object
   * or array asks for `json`; `null` accepts any type).
   */
  getValue(flagKey: string, defaultValue: boolean, context?: EvaluationContext): boolean;
  getValue(flagKey: string, defaultValue: string, context?: EvaluationContext): string;
  getValue(flagKey: string, defaultValue: number, context?: EvaluationContext): number;
  getValue<T extends JsonValue>(flagKey: string, defaultValue: T, context?: EvaluationContext): T;
  getValue<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext = EMPTY_CONTEXT): T {
    return this.evaluate(flagKey, context, defaultValue, typeOfDefault(defaultValue)).value as T;
  }

  /** The variant served for `context` (`undefined` on errors) and its value (`null` then). */
  getVariant(flagKey: string, context: EvaluationContext = EMPTY_CONTEXT): VariantResult {
    const { variant, value } = this.evaluate(flagKey, context);
    return { variant, value };
  }

  /**
   * Full evaluation details: value, variant, reason, rule and error code. Errors (unknown flag,
   * `expectedType` mismatch, no flags yet) give `defaultValue` with reason `ERROR`.
   */
  evaluate<T = JsonValue>(
    flagKey: string,
    context: EvaluationContext = EMPTY_CONTEXT,
    defaultValue: T = null as T,
    expectedType?: FlagType,
  ): EvaluationDetails<T | JsonValue> {
    const compiled = this.#compiled;
    if (compiled === undefined) {
      return errorResult(defaultValue, 'PROVIDER_NOT_READY', 'Switchyard: the client has no flags yet');
    }
    const usage = this.#usage;
    const flag = usage?.flag(flagKey);
    // No metrics, or an unknown flag (not counted): core's answer as it is.
    if (flag === undefined) return evaluateCompiled(compiled, flagKey, context, defaultValue, expectedType);
    const served = serveFlag(compiled, flag.handle, context, expectedType);
    usage!.count(flag, served);
    if (served !== undefined) this.#attributing?.served(context, flagKey, served.variant!);
    // Core's error result (code and message) when the flag did not serve a variant.
    return served ?? evaluateCompiled(compiled, flagKey, context, defaultValue, expectedType);
  }

  /**
   * Every flag's value for `context`. To bootstrap a browser page (`createBrowserClient({ bootstrap })`
   * takes this map) pass `{ clientSideOnly: true }`: the page then holds only what a client token
   * could fetch anyway, not server-only flags. Not counted in usage metrics: it would make every
   * flag look used.
   */
  allFlags(context: EvaluationContext = EMPTY_CONTEXT, options: AllFlagsOptions = {}): Record<string, JsonValue> {
    const compiled = this.#compiled;
    const all: Record<string, JsonValue> = {};
    if (!compiled) return all;
    const keys = options.clientSideOnly
      ? compiled.snapshot.flags.filter((flag) => flag.clientSide === true).map((flag) => flag.key)
      : compiled.flagKeys();
    for (const key of keys) all[key] = evaluateCompiled(compiled, key, context, null).value;
    return all;
  }

  /**
   * Records one of the app's own events (a conversion, an error, a latency in ms) for `context`,
   * with a numeric `value` (default 1). It is attributed to the variants this client last served
   * the same context (same `userId`, else `sessionId`), summed per flag, variant and event name,
   * and sent with the usage metrics to `POST /api/v1/sdk/events`, where a release plan's built-in
   * guard compares the treatment with the control. Needs usage metrics (on by default with a
   * `url`). The client starts remembering which variant it served each context at the first
   * `track()` call (an app that never tracks pays nothing for it), so that first event may be
   * unattributed. Names are 1–100 characters of A–Z a–z 0–9 . _ : -; values finite, up to ±1e9. Bounded
   * memory (see `events` in the options); never throws: a bad name or value is dropped and logged.
   */
  track(event: string, context: EvaluationContext = EMPTY_CONTEXT, value = 1): void {
    try {
      if (this.#closed || this.#fatalError) return;
      this.#attributing = this.#tracker;
      this.#tracker?.track(event, context, value);
    } catch (error) {
      this.#log.warn(`switchyard: track() failed (${String(error)})`);
    }
  }

  /** How `track()` fared since the client was created (diagnostics). */
  get trackedEventStats(): { dropped: number; unattributed: number; invalid: number; contexts: number } {
    const tracker = this.#tracker;
    return {
      dropped: tracker?.dropped ?? 0,
      unattributed: tracker?.unattributed ?? 0,
      invalid: tracker?.invalid ?? 0,
      contexts: tracker?.exposures.size ?? 0,
    };
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents, K>): () => void {
    return this.#events.on(event, listener);
  }

  /** Unsubscribes a listener added with {@link on}. */
  off<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents, K>): void {
    this.#events.off(event, listener);
  }

  /**
   * Stops streams, polling and timers, sends the last usage counts and finishes writing the cache
   * file. Evaluation keeps working on the last snapshot.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#staleTimer);
    clearTimeout(this.#readyTimer);
    if (!this.#readySettled) this.#settleReady(new Error('Switchyard: the client was closed before it had flags'));
    this.#events.clear();
    await Promise.all([
      ...this.#sources.map((source) => source.close()),
      this.#reporter?.close(),
      this.#eventReporter?.close(),
      this.#cacheFile?.flush().catch(() => {}),
    ]);
  }

  #hooks(): SourceHooks {
    return {
      put: (snapshot, { allowOlder }) => {
        const status = this.#store.applyPut(snapshot, { allowOlder });
        this.#syncCompiled();
        if (status === 'applied') {
          this.#confirmed = true;
          this.#applied();
          this.#redis?.nudge();
        }
        return status;
      },
      patch: (patch) => {
        const status = this.#store.applyPatch(patch);
        this.#syncCompiled(this.#store.replacedFlagKeys());
        if (status === 'applied') this.#applied();
        return status;
      },
      confirmedRevision: () => (this.#confirmed ? this.#store.compiled?.revision : undefined),
      contact: () => this.#contact(),
      failed: (error, conclusive) => this.#failed(error, conclusive),
      fatal: (error) => this.#fatal(error),
    };
  }

  /**
   * Mirrors the store's compiled snapshot into `#compiled` and the usage counter's flag table;
   * `replaced`: the only flags with new handles, after a patch (see {@link UsageCounter.bind}).
   */
  #syncCompiled(replaced?: readonly string[]): void {
    this.#compiled = this.#store.compiled;
    this.#usage?.bind(this.#compiled, replaced);
  }

  /** An update (a patch or a whole snapshot) was applied. */
  #applied(): void {
    if (this.#closed) return;
    // Read only with a cache file: the store builds the plain snapshot on demand.
    if (this.#cacheFile) {
      this.#cacheFile
        .save(this.#store.compiled!.snapshot)
        .catch((error: unknown) => this.#log.warn(`switchyard: could not write the cache file (${String(error)})`));
    }
    this.#markReady();
    // The first snapshot is no `change` (the store reports none): `ready` announces it.
    const changedFlags = this.#store.changedFlagKeys();
    if (changedFlags.length > 0) {
      this.#log.debug(`switchyard: revision ${this.#store.compiled!.revision}, changed: ${changedFlags.join(', ')}`);
      this.#events.emit('change', { flags: changedFlags });
    }
  }

  #contact(): void {
    if (this.#closed) return;
    this.#armStaleTimer();
    this.#isStale = false;
    if (this.#degraded && this.#isReady && this.#confirmed) {
      this.#degraded = false;
      this.#log.info('switchyard: back in contact with the server');
      this.#events.emit('ready');
    }
  }

  #failed(error: Error, conclusive: boolean): void {
    if (this.#closed) return;
    this.#log.debug(`switchyard: ${error.message}`);
    this.#lastError = error;
    this.#degraded = true;
    this.#events.emit('error', error);
    if (conclusive && !this.#isReady) void this.#fallBack();
  }

  /**
   * The server refused the key: stop every source, usage report and timer for good, reject a
   * pending `ready()`, emit `failed` (not `error`: that one means "retrying"). What the client holds (bootstrap, last snapshot)
   * keeps being served.
   */
  #fatal(error: Error): void {
    if (this.#closed || this.#fatalError) return;
    this.#fatalError = error;
    this.#log.error(error.message);
    clearTimeout(this.#staleTimer);
    for (const source of this.#sources) void source.close();
    this.#reporter?.stop();
    this.#eventReporter?.stop();
    if (!this.#readySettled) this.#settleReady(error);
    this.#events.emit('failed', error);
  }

  /** The server cannot be reached at start-up: serve the cache file (if newer) or the bootstrap. */
  async #fallBack(): Promise<void> {
    if (this.#fellBack) return;
    this.#fellBack = true;
    if (this.#cacheFile) {
      const cached = await checkLocalSnapshotAsync(await this.#cacheFile.load(), 'the cache file', this.#log);
      // A server snapshot may have arrived meanwhile; the store keeps the newer revision anyway.
      if (cached !== undefined && !this.#confirmed) {
        const status = this.#store.applyPut(cached);
        this.#syncCompiled();
        if (status === 'applied') this.#log.info(`switchyard: serving the cache file ${this.#cacheFile.path}`);
        else if (status === 'invalid') this.#log.warn(`switchyard: ignored the cache file ${this.#cacheFile.path}`);
      }
    }
    if (this.#store.compiled) this.#markReady();
    else if (this.#sources.length === 0) {
      this.#settleReady(new Error('Switchyard: no url, no redis, and no usable bootstrap or cache file'));
    }
  }

  #readyTimedOut(timeoutMs: number): void {
    if (this.#isReady || this.#closed) return;
    if (this.#store.compiled) return this.#markReady();
    void this.#fallBack().then(() => {
      if (this.#isReady || this.#readySettled) return;
      const cause = this.#lastError ? ` (last error: ${this.#lastError.message})` : ' (no answer yet)';
      this.#settleReady(new Error(`Switchyard: no flags after ${timeoutMs} ms${cause}; the client keeps retrying`));
    });
  }

  #markReady(): void {
    if (this.#isReady || this.#closed || this.#fatalError) return;
    this.#isReady = true;
    this.#degraded = false;
    if (!this.#readySettled) this.#settleReady();
    this.#events.emit('ready');
  }

  #armStaleTimer(): void {
    clearTimeout(this.#staleTimer);
    this.#staleTimer = setTimeout(() => {
      if (this.#closed || this.#isStale) return;
      this.#isStale = true;
      this.#degraded = true;
      this.#log.warn(`switchyard: no contact with the server for ${this.#staleAfterMs} ms; serving the last snapshot`);
      this.#events.emit('stale');
    }, this.#staleAfterMs);
    this.#staleTimer.unref();
  }
}

/**
 * Creates a client and starts syncing. Await `ready()` before relying on answers.
 *
 * @example
 * const client = createClient({ url: 'http://flags.internal:4242', sdkKey: process.env.SWITCHYARD_SDK_KEY! });
 * await client.ready();
 * if (client.isEnabled('new-checkout', { userId: 'u-42', country: 'NO' })) { … }
 */
export function createClient(options: NodeClientOptions): SwitchyardClient {
  return new SwitchyardClient(options);
}
