/**
 * `@switchyard/sdk-browser`: Switchyard feature flags in the browser, evaluated locally.
 * See README.md; the OpenFeature provider is at `@switchyard/sdk-browser/openfeature`, usage metrics
 * and `track()` reporting at `@switchyard/sdk-browser/metrics`.
 */
export { createBrowserClient, type BrowserClient } from './client.js';
export type {
  Bootstrap,
  BrowserClientOptions,
  BrowserMetrics,
  ChangeEvent,
  ClientErrorCode,
  ClientEvents,
  ClientReason,
  EvaluationContext,
  EvaluationDetails,
  EventSourceLike,
  FlagType,
  JsonValue,
  MetricsHook,
  Snapshot,
  StorageLike,
} from './types.js';
