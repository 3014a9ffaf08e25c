/**
 * `@switchyard/core/client-api`: what both SDK clients share beyond the evaluator: their public
 * result and event types, and the OpenFeature mapping of their providers (context, resolution,
 * events) with OpenFeature's values as plain strings, so core depends on no OpenFeature package.
 */
export type {
  ChangeEvent,
  ClientErrorCode,
  ClientEvents,
  ClientReason,
  EvaluationDetails,
  VariantResult,
} from './types.js';
export { typeOfDefault } from './default-type.js';
export {
  forwardClientEvents,
  toResolution,
  toSwitchyardContext,
  type ClientEventSource,
  type OpenFeatureContextLike,
  type OpenFeatureErrorCode,
  type OpenFeatureEventDetails,
  type OpenFeatureProviderEvent,
  type OpenFeatureResolution,
  type ProviderEventForwarder,
  type ProviderEventOptions,
} from './openfeature.js';
