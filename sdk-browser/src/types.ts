import type { EvaluationContext, FlagType, JsonValue, Snapshot } from '@switchyard/core';
import type { EvaluationDetails } from '@switchyard/core/client-api';

export type { EvaluationContext, FlagType, JsonValue, Snapshot };

/**
 * What `bootstrap` accepts: a client {@link Snapshot} rendered into the page by the server, or a
 * plain `{ [flagKey]: value }` map such as sdk-node's `allFlags(context)` produces (already
 * evaluated for one user, so it cannot follow `identify`; it is used until the first snapshot arrives).
 */
export type Bootstrap = Snapshot | Readonly<Record<string, JsonValue>>;

/** Minimal `EventSource` surface the client uses (the browser's, or a polyfill's in other runtimes). */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

/** Minimal `Storage` surface the client uses for its offline cache. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** Options of {@link createBrowserClient}. */
export interface BrowserClientOptions {
  /**
   * Base URL of the Switchyard server, e.g. `https://flags.example.com`, or several (replicas, a
   * second region): every failure (unreachable, HTTP error, lost stream) moves the client on to the
   * next, round robin. Required unless `offline: true` (without either, `createBrowserClient`
   * throws a `TypeError`).
   */
  url?: string | string[];
  /** A client token (`sy_client_…`). It is public by nature: it ships in the page. */
  clientKey: string;
  /** Initial evaluation context; change it later with `identify`. */
  context?: EvaluationContext;
  /** Flags rendered into the page by the server, so the first paint needs no network. */
  bootstrap?: Bootstrap;
  /** Never touch the network: evaluate the bootstrap (and, with a `url`, its cache) only. Default `false`. */
  offline?: boolean;
  /** Receive updates over Server-Sent Events; `false` = poll only. Default `true`. */
  streaming?: boolean;
  /** Polling period while the stream is unavailable (or `streaming: false`), in ms. Default 30 000. */
  pollIntervalMs?: number;
  /** The stream is closed after the page has been hidden this long, and resumed when shown. Default 300 000. */
  hiddenPauseMs?: number;
  /**
   * Bounds of the stream's reconnect backoff (exponential, full jitter), in ms. Default 250 – 1 500,
   * so the client is back within about 2 s of a server restart.
   */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * `ready()` rejects after this long without flags, in ms (sooner when the first contact fails, or
   * when the server refuses the key). Default 10 000.
   */
  readyTimeoutMs?: number;
  /** Where the last snapshot is kept for offline use; `null` disables it. Default `localStorage`. */
  storage?: StorageLike | null;
  /**
   * Usage reporting (issue 16): the client counts its evaluations per flag and variant and sends
   * them in batches to the server, which shows which flags are used (`false`: nothing is counted or
   * sent). Never used with `offline`. Default `true`, i.e. `{ flushIntervalMs: 60_000, maxKeys: 1_000 }`.
   */
  usage?: boolean | UsageOptions;
  /**
   * The events of `track()` (custom metrics): pass `browserMetrics()` from
   * `@switchyard/sdk-browser/metrics` (a separate module, so that pages that do not track pay nothing
   * for it). Sent with the usage counts. Without it, `track()` does nothing. Never used with `offline`.
   */
  metrics?: BrowserMetrics;
  /** `fetch` implementation. Default the global one. */
  fetch?: typeof fetch;
  /** `EventSource` constructor. Default the global one; without one the client polls. */
  EventSource?: new (url: string) => EventSourceLike;
}

/** Options of {@link BrowserClientOptions.usage}. */
export interface UsageOptions {
  /**
   * Send period, in ms. Default 60 000. The page also sends when it is hidden (`visibilitychange`
   * to hidden, `pagehide`), and the client's `close()` sends what is left.
   */
  flushIntervalMs?: number;
  /**
   * Most entries (flags and variants: each counts) held between sends; evaluations that would add
   * more are not counted, so memory stays bounded. Default 1 000.
   */
  maxKeys?: number;
}

/**
 * The `metrics` module for {@link BrowserClientOptions.metrics}: `browserMetrics()` of
 * `@switchyard/sdk-browser/metrics` makes one. The client calls it once, when it connects, for the
 * hook it reports to.
 */
export type BrowserMetrics = () => MetricsHook;

/**
 * The one function through which the client reports to its metrics module (one function rather
 * than an object of methods: the client's bundle stays smaller). It must never throw.
 */
export interface MetricsHook {
  /**
   * The client evaluated `flagKey` against its snapshot (not for `allFlags()`, nor for a bootstrap
   * value map, which has no variants); `details` is what it answered.
   */
  (flagKey: string, details: EvaluationDetails<unknown>): void;
  /** The application called `track(event, context, value)`. */
  (event: string, value: number | undefined, tracked: 1): void;
  /**
   * The client sends its reports: the events report's `events` (`{ [flag]: { [variant]: { [event]:
   * { count, sum, sumSquares } } } }`) tracked since the last call, or `undefined` when there are none.
   */
  (): object | undefined;
}

// Result and event types are the ones both SDKs share (types only: nothing is added to the bundle).
export type {
  ChangeEvent,
  ClientErrorCode,
  ClientEvents,
  ClientReason,
  EvaluationDetails,
} from '@switchyard/core/client-api';
