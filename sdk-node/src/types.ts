import type { EvaluationContext, FlagType, JsonValue, Reason, Snapshot } from '@switchyard/core';
import type { EvaluationDetails as ClientEvaluationDetails } from '@switchyard/core/client-api';
import type { Logger } from './logger.js';

export type { EvaluationContext, FlagType, JsonValue, Reason, Snapshot };

/** Direct Redis mode: follow the server's Redis instead of (or besides) its HTTP endpoints. */
export interface RedisOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`: the one the flag servers use (`REDIS_URL`). */
  url: string;
  /**
   * Project and environment to follow. Default: those of the first snapshot the client holds
   * (bootstrap, cache file or server), which is enough when a bootstrap or cache file exists.
   */
  projectKey?: string;
  environmentKey?: string;
  /**
   * Pub/sub is at-most-once, so the snapshot key is also read this often, in ms. Default 30 000.
   */
  pollIntervalMs?: number;
}

/** Usage metrics: per flag and variant evaluation counts, sent to the server in the background. */
/** Options of `allFlags`. */
export interface AllFlagsOptions {
  /**
   * Only the flags marked `clientSide` (what a browser's client token receives). Use it whenever the
   * result goes into a web page, e.g. as the browser SDK's `bootstrap`. Default `false`.
   */
  clientSideOnly?: boolean;
}

export interface MetricsOptions {
  /** Flush period, in ms. Default 60 000. */
  flushIntervalMs?: number;
  /**
   * Most distinct (flag, variant) pairs held between flushes; evaluations of further pairs are
   * dropped and counted (`droppedEvaluations`), so memory stays bounded whatever the traffic.
   * Default 10 000.
   */
  maxKeys?: number;
}

/**
 * `track()`: the app's events, attributed to the variants served to the same context. Memory is
 * bounded by these limits whatever the traffic (defaults: 10,000 contexts × 50 flags remembered,
 * 10,000 (flag, variant, event) sums between flushes; a few MB at most).
 */
export interface EventsOptions {
  /** Contexts whose served variants are remembered; the least recently evaluated are forgotten first. Default 10 000. */
  maxContexts?: number;
  /** Flags remembered per context; the least recently served are forgotten first. Default 50. */
  maxFlagsPerContext?: number;
  /** (flag, variant, event) sums held between flushes; events of further keys are dropped and counted. Default 10 000. */
  maxKeys?: number;
}

/** Options of {@link createClient}. */
export interface NodeClientOptions {
  /**
   * Base URL of the Switchyard server, e.g. `http://flags.internal:4242`, or several (replicas
   * behind no load balancer, or a second region): requests go to the first; a connection failure,
   * time-out, 5xx or lost stream moves the client on to the next (round robin), where it stays.
   * A 429/503 with `Retry-After` keeps that kind of request (stream, snapshot, usage report) away
   * from that server for that long (at most 5 minutes, plus jitter): README, "Failure modes".
   */
  url?: string | readonly string[];
  /** A server token (`sy_server_…`), bound to one environment. */
  sdkKey: string;
  /**
   * A snapshot to start from without any network: the object, or the path of a JSON file holding
   * one (e.g. `GET /api/v1/sdk/snapshot` saved at build time). See README "Start-up order".
   */
  bootstrap?: Snapshot | string;
  /**
   * File where the last good snapshot from the server is kept (written atomically), and read at
   * start-up when the server cannot be reached.
   */
  cacheFile?: string;
  /** Receive updates over the SSE stream; `false` = poll only. Default `true`. */
  streaming?: boolean;
  /** Polling period while the stream is down (or `streaming: false`), in ms. Default 30 000. */
  pollIntervalMs?: number;
  /**
   * Bounds of the reconnect backoff (exponential, full jitter), in ms: retry `n` waits a random
   * time below `min(reconnectMaxMs, reconnectMinMs * 2^n)`. Default 250 – 1 500, so the client is
   * back within about 2 s of a server restart.
   */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * A stream silent this long (the server sends a heartbeat every 15 s) is taken for dead and
   * reconnected, in ms. Default 35 000 (two missed heartbeats).
   */
  heartbeatTimeoutMs?: number;
  /** Time limit of one snapshot request, in ms. Default 10 000. */
  requestTimeoutMs?: number;
  /**
   * After this long without any contact with the server (or Redis) the client emits `stale`; it
   * keeps serving the last snapshot. In ms. Default 60 000.
   */
  staleAfterMs?: number;
  /**
   * `ready()` rejects when the client has no flags at all after this long, in ms, with the last
   * failure in its message (it rejects at once when the server refuses the key). Default 10 000.
   */
  readyTimeoutMs?: number;
  /** Direct Redis mode (needs the optional `ioredis` package). */
  redis?: RedisOptions;
  /** Usage metrics to `POST /api/v1/sdk/metrics`; `false` disables them. Default on (with a `url`). */
  metrics?: MetricsOptions | false;
  /**
   * `track()`ed events to `POST /api/v1/sdk/events`, sent at the metrics' flush interval; `false`
   * disables them (and the bookkeeping of served variants per context). Default on with metrics.
   */
  events?: EventsOptions | false;
  /** Where the client logs; default: nowhere. */
  logger?: Logger;
  /** `fetch` implementation. Default the global one. */
  fetch?: typeof fetch;
}

export type { ChangeEvent, ClientErrorCode, ClientEvents, VariantResult } from '@switchyard/core/client-api';

/** The outcome of one evaluation (frozen; may be shared between calls). No `CACHED` reason here: there is no bootstrap value map. */
export type EvaluationDetails<T = JsonValue> = ClientEvaluationDetails<T, Reason>;
