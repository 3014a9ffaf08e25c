/**
 * `@switchyard/sdk-browser`: Switchyard feature flags in the browser, evaluated locally.
 * See README.md; the OpenFeature provider is at `@switchyard/sdk-browser/openfeature`, `track()`
 * events at `@switchyard/sdk-browser/metrics` (usage counts are the client's own).
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
  UsageOptions,
} from './types.js';
