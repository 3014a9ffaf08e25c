/**
 * `@switchyard/sdk-node`: Switchyard feature flags in Node.js, evaluated locally and synchronously.
 * See README.md; the OpenFeature server provider is at `@switchyard/sdk-node/openfeature`.
 */
export { createClient, SwitchyardClient } from './client.js';
export { RetryLaterError, SdkKeyRejectedError, ServerResponseError } from './http.js';
export type { Logger } from './logger.js';
export { DEFAULT_VARIANT_KEY, type UsageReport } from './usage-counter.js';
export type { EventReport, EventSums } from './event-counter.js';
export type {
  AllFlagsOptions,
  ChangeEvent,
  ClientErrorCode,
  ClientEvents,
  EvaluationContext,
  EvaluationDetails,
  EventsOptions,
  FlagType,
  JsonValue,
  MetricsOptions,
  NodeClientOptions,
  Reason,
  RedisOptions,
  Snapshot,
  VariantResult,
} from './types.js';
