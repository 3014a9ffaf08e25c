import {
  errorResult,
  evaluate as evaluateCompiled,
  type EvaluationContext,
  type FlagType,
  type JsonValue,
} from '@switchyard/core';
import { typeOfDefault } from '@switchyard/core/client-api';
import { createEmitter, createSnapshotStore, type Listener } from '@switchyard/core/sync';
import { connect, problem } from './connection.js';
import { afterOperators } from './operators.js';
import type { BrowserClientOptions, ClientEvents, EvaluationDetails } from './types.js';

/** `getValue`'s overloads: the default's type is the type of the answer. */
interface GetValue {
  (flagKey: string, defaultValue: boolean): boolean;
  (flagKey: string, defaultValue: string): string;
  (flagKey: string, defaultValue: number): number;
  <T extends JsonValue>(flagKey: string, defaultValue: T): T;
}

/**
 * A Switchyard client for browsers. Flags are evaluated locally and synchronously by the core
 * evaluator against the snapshot the server sends to client tokens; updates arrive over SSE.
 * Evaluation methods never throw: on any problem they return the caller's default with a reason.
 * Create one with {@link createBrowserClient}.
 *
 * The members are closures over the client's state (they minify far smaller than a class's
 * methods reading private fields), so they also work detached: `const { isEnabled } = client`.
 */
export interface BrowserClient {
  /**
   * Resolves once the client has flags (bootstrap, server, or the cache when the server cannot be
   * reached). Always settles: rejects, with an error naming the cause, when the first contact fails
   * with nothing to serve, when the server refuses the key (401/403, see the `failed` event), or
   * after `readyTimeoutMs`. Never rejects unhandled when nobody awaits it.
   */
  readonly ready: () => Promise<void>;
  /** `true` when `flagKey` is a boolean flag serving `true`; `defaultValue` (default `false`) on unknown flags or errors. */
  readonly isEnabled: (flagKey: string, defaultValue?: boolean) => boolean;
  /**
   * The flag's value, or `defaultValue` when the flag is unknown, fails, or is not of the default's
   * type (a `boolean`, `string` or `number` default asks for that flag type; an object or array asks
   * for `json`; `null` accepts any type). For a `json` flag holding a primitive, use {@link evaluate}.
   */
  readonly getValue: GetValue;
  /** Key of the variant served (e.g. `control` / `treatment`), or `defaultVariant` on failure. */
  readonly getVariant: (flagKey: string, defaultVariant?: string) => string | undefined;
  /** Full evaluation details: value, variant, reason, rule, error code. The default value defaults to `null`. */
  readonly evaluate: <T = JsonValue>(
    flagKey: string,
    defaultValue?: T,
    expectedType?: FlagType,
  ) => EvaluationDetails<T | JsonValue>;
  /** Values of every flag for the current context. */
  readonly allFlags: () => Record<string, JsonValue>;
  /** The current evaluation context. */
  readonly getContext: () => EvaluationContext;
  /**
   * Switches to a new context (e.g. after login). Evaluation is local, so this needs no network;
   * emits `change` for the flags whose value differs for the new context.
   */
  readonly identify: (context: EvaluationContext) => Promise<void>;
  /** Subscribes to an event; returns a function that unsubscribes. */
  readonly on: <K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents, K>) => () => void;
  /** Unsubscribes a listener added with {@link on}. */
  readonly off: <K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents, K>) => void;
  /**
   * Records that `event` happened (a conversion, an error, a latency with its `value`, default 1)
   * for the variants this client served: for each flag it evaluated, the event counts for the
   * variant last served, so the server can compare a release's variants (guarded releases). A page
   * has one user: `context` is accepted for the OpenFeature and Node SDKs' signature, and events
   * are attributed to what was served to the client's own context. Collected by the `metrics`
   * module (`@switchyard/sdk-browser/metrics`) and sent with the usage counts; without it, does nothing.
   * Event names are 1–100 of `A-Z a-z 0-9 . _ : -`; other names, and values whose square is not a
   * finite number, are ignored. Never throws.
   */
  readonly track: (event: string, context?: EvaluationContext, value?: number) => void;
  /**
   * Stops all network activity and timers, after sending the usage counts (and the `metrics`
   * module's events) not sent yet.
   * Evaluation keeps working on the last flags.
   */
  readonly close: () => void;
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
  // One URL or several; none when offline.
  const urls = [options.url].flat() as string[];
  const store = createSnapshotStore();
  // An application listener threw: report it (as an unhandled rejection) without breaking the client.
  const events = createEmitter<ClientEvents>((error) => Promise.reject(error));
  const { bootstrap, offline } = options;
  let context = options.context ?? {};
  /** Bootstrap value map; used until the server confirms a snapshot. */
  let values: Readonly<Record<string, JsonValue>> | undefined;
  /** 0: not ready yet; 1: ready; 2: stale (ready, but the last contact with the server failed). */
  let state = 0;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  readyPromise.catch(() => {}); // rejection is reported to whoever awaits ready(), not as unhandled

  // The last snapshot is kept in storage (per server URL and key) so a reload while offline still
  // renders the right flags. Storage may be missing or throw (Safari private mode, sandboxed
  // iframes, quota): the cache is best-effort and never fails the client.
  let storage = options.storage;
  const cacheKey = `switchyard:${urls[0]}:${options.clientKey}`;
  /** The cached snapshot's JSON, for operators.ts: the rare operators it uses are loaded before `ready`. */
  let cached: string | null | undefined;
  try {
    if (storage === undefined) storage = localStorage; // `null` = no cache
    // No storage: JSON.parse(undefined) throws; no entry: JSON.parse(null) is null, which is invalid.
    store.applyPut(JSON.parse((cached = storage?.getItem(cacheKey)) as string));
  } catch {
    // No usable storage or cache: start empty.
  }

  // Of the cache and a bootstrap snapshot, the newer revision wins. Anything else that is an
  // object and not snapshot-shaped is a value map.
  let hasBootstrap = store.applyPut(bootstrap) != 'invalid';
  if (
    !hasBootstrap &&
    typeof bootstrap == 'object' &&
    bootstrap &&
    !('schemaVersion' in bootstrap && 'flags' in bootstrap)
  ) {
    values = bootstrap;
    hasBootstrap = true;
  }

  /** Evaluates a flag; counted in usage metrics (unless `usage: false`). */
  const evaluate = <T = JsonValue>(flagKey: string, defaultValue: T = null as T, expectedType?: FlagType) => {
    const compiled = store.compiled;
    if (!values) {
      if (!compiled) return errorResult(defaultValue, 'PROVIDER_NOT_READY', flagKey);
      const result = evaluateCompiled(compiled, flagKey, context, defaultValue, expectedType);
      // Not counted: a bootstrap value map (no variants: the server has not spoken yet).
      usage?.(flagKey, result);
      return result;
    }
    // A value map was evaluated for one user by the server: no variant, no rule, reason CACHED.
    // It does not know the flag's declared type: `json` accepts any value, the others check its JSON type.
    // Error messages are terse, as core's are in this bundle: the flag key (the code says the rest).
    const value = values[flagKey]!;
    return !Object.hasOwn(values, flagKey)
      ? errorResult(defaultValue, 'FLAG_NOT_FOUND', flagKey)
      : expectedType && expectedType != 'json' && typeof value != expectedType
        ? errorResult(defaultValue, 'TYPE_MISMATCH', flagKey)
        : (Object.freeze({ value, reason: 'CACHED' }) as EvaluationDetails<JsonValue>);
  };
  const hasFlags = () => values || store.compiled;
  /**
   * Values of every flag for the current context: a value map's own, or the snapshot's evaluated
   * (by core directly: not counted in usage metrics, it would make every flag look used).
   */
  const allFlags = (): Record<string, JsonValue> =>
    values
      ? { ...values }
      : Object.fromEntries(
          (store.compiled?.flagKeys() ?? []).map((key) => [
            key,
            evaluateCompiled(store.compiled!, key, context, null).value,
          ]),
        );
  /** Values of every flag as last reported: `change` lists the flags whose value differs from them. */
  let reported = allFlags();
  /** Emits `change` for every flag whose value (compared as JSON) moved since the last report. */
  const reportChanges = () => {
    const before = reported;
    const after = (reported = allFlags());
    const changed = Object.keys({ ...before, ...after }).filter(
      (key) => JSON.stringify(before[key]) != JSON.stringify(after[key]),
    );
    if (changed.length) events.emit('change', { flags: changed.sort() });
  };
  /** First `ready`, or `ready` again after `stale`. */
  const markReady = () => {
    if (state != 1) {
      resolveReady();
      state = 1;
      events.emit('ready');
    }
  };

  // `usage`, the usage reporting hook (it also feeds the metrics module), is read by `evaluate`
  // above: nothing evaluates before this line (`allFlags` goes to core directly, and no listener
  // can be added yet).
  const [close, usage] = offline
    ? []
    : connect(store, urls, options, {
        // What the connection reports waits, as updates do, while the rare operators load
        // (operators.ts): `ready` and `change` then come once answers use them.
        synced_: () =>
          afterOperators(0, () => {
            // The server's snapshot supersedes bootstrap values. Changes are judged by this user's
            // answers, not by definitions: an edit that does not move them is not a `change`.
            // `ready` first: a first snapshot's `change` follows it, as later ones do.
            values = undefined;
            markReady();
            reportChanges();
            try {
              storage?.setItem(cacheKey, JSON.stringify(store.compiled!.snapshot));
            } catch {
              // Quota or disabled storage: the cache is an optimisation only.
            }
          }),
        failed_: (error, conclusive, fatal) =>
          afterOperators(0, () => {
            events.emit(fatal ? 'failed' : 'error', error);
            // The key was refused (401/403): no retry can help. Stop for good; keep serving what we hold.
            if (fatal) return (close!(), rejectReady(error));
            if (!state) {
              // Wait for the snapshot fetch that follows a stream failure before judging the first contact.
              if (!conclusive) return;
              // First contact failed: serve the cache if there is one, else give up on ready() (retries go on).
              if (hasFlags()) markReady();
              else rejectReady(error);
            }
            if (state == 1) {
              state = 2;
              events.emit('stale');
            }
          }),
      });
  // Deferred so that listeners added right after creation see the first `ready`; and, when the
  // cache or the bootstrap use rare operators, until their module is loaded (operators.ts; the
  // store compiled their conditions already: they compile for good on their first evaluation).
  // The answers to compare the first `change` with are then taken again (nothing reported before
  // this: the connection's reports wait behind it).
  afterOperators(cached + JSON.stringify(bootstrap), () => {
    reported = allFlags();
    queueMicrotask(() => {
      if (hasBootstrap || (offline && hasFlags())) markReady();
      else if (offline) rejectReady(problem('offline'));
    });
  });
  // ready() always settles, even if a connection hangs without an answer (a no-op once settled).
  setTimeout(rejectReady, options.readyTimeoutMs ?? 1e4, problem('readyTimeoutMs'));

  return {
    ready: () => readyPromise,
    isEnabled(flagKey: string, defaultValue = false) {
      // As fast as core's isEnabled: results are pre-built, only errors allocate.
      const value = evaluate(flagKey, defaultValue, 'boolean').value;
      return typeof value == 'boolean' ? value : defaultValue;
    },
    getValue: ((flagKey: string, defaultValue: JsonValue) =>
      evaluate(flagKey, defaultValue, typeOfDefault(defaultValue)).value) as GetValue,
    getVariant: (flagKey: string, defaultVariant?: string) => evaluate(flagKey).variant ?? defaultVariant,
    evaluate,
    allFlags,
    getContext: () => context,
    async identify(next: EvaluationContext) {
      context = next ?? {};
      reportChanges();
    },
    on: events.on,
    off: events.off,
    track(event: string, _context?: EvaluationContext, value?: number) {
      usage?.(event, value, 1);
    },
    close() {
      close?.();
      events.clear();
    },
  };
}
