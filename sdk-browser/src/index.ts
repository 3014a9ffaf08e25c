/**
 * `@switchyard/sdk-browser`: Switchyard feature flags in the browser, evaluated locally.
 * See README.md; the OpenFeature provider is at `@switchyard/sdk-browser/openfeature`.
 */
export { createBrowserClient, type BrowserClient } from './client.js';
export type {
  Bootstrap,
  BrowserClientOptions,
  ChangeEvent,
  ClientErrorCode,
  ClientEvents,
  ClientReason,
  EvaluationContext,
  EvaluationDetails,
  EventSourceLike,
  FlagType,
  JsonValue,
  MetricsOptions,
  Snapshot,
  StorageLike,
} from './types.js';
