import type { EvaluationContext, JsonValue } from '../index.js';
import type { ChangeEvent, ClientErrorCode, ClientReason, EvaluationDetails } from './types.js';

// The OpenFeature mapping both SDK providers share. It names OpenFeature's values as plain strings
// (the values of the OpenFeature SDKs' string enums) so core needs no OpenFeature package; each
// provider hands them to its own library.

/** An OpenFeature evaluation context as far as the mapping needs it (both OpenFeature SDKs' contexts fit). */
export interface OpenFeatureContextLike {
  readonly targetingKey?: string;
  readonly [attribute: string]: unknown;
}

/** OpenFeature error codes a Switchyard result can carry (every {@link ClientErrorCode} is one). */
export type OpenFeatureErrorCode = ClientErrorCode;

/** OpenFeature provider events the providers emit (`ProviderEvents` values). */
export type OpenFeatureProviderEvent =
  'PROVIDER_READY' | 'PROVIDER_ERROR' | 'PROVIDER_CONFIGURATION_CHANGED' | 'PROVIDER_STALE';

/** Details of a provider event (a type alias, so it fits the OpenFeature SDKs' `Record<string, unknown>` details). */
export type OpenFeatureEventDetails = {
  flagsChanged?: string[];
  message?: string;
  /** `PROVIDER_FATAL` on the ERROR that puts the provider in its FATAL state. */
  errorCode?: 'PROVIDER_FATAL';
};

/** OpenFeature `ResolutionDetails`, with the error code as a plain string. */
export interface OpenFeatureResolution<T> {
  value: T;
  variant?: string;
  reason: ClientReason;
  errorCode?: OpenFeatureErrorCode;
  errorMessage?: string;
  flagMetadata: Record<string, string | number>;
}

/**
 * Switchyard context from an OpenFeature context: `targetingKey` becomes `userId` (unless one is
 * given), dates become ISO strings, string arrays stay, other nested values are dropped (Switchyard
 * contexts are flat).
 */
export function toSwitchyardContext(context: OpenFeatureContextLike = {}): EvaluationContext {
  const result: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = value;
    else if (value instanceof Date) result[key] = value.toISOString();
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) result[key] = value as string[];
  }
  if (context.targetingKey !== undefined && result.userId === undefined) result.userId = context.targetingKey;
  delete result.targetingKey;
  return result;
}

/**
 * OpenFeature resolution of a Switchyard result. Reasons and error codes pass through (Switchyard's
 * are OpenFeature's, plus its own `DISABLED`, `PREREQUISITE_FAILED` and `CACHED` reasons); flag
 * metadata carries `ruleId` (when a rule matched) and `revision` (when given).
 */
export function toResolution<T>(
  details: EvaluationDetails<JsonValue | T>,
  revision?: number,
): OpenFeatureResolution<T> {
  const flagMetadata: Record<string, string | number> = {};
  if (details.ruleId !== undefined) flagMetadata.ruleId = details.ruleId;
  if (revision !== undefined) flagMetadata.revision = revision;
  return {
    value: details.value as T,
    variant: details.variant,
    reason: details.reason,
    errorCode: details.errorCode,
    errorMessage: details.errorMessage,
    flagMetadata,
  };
}

/** The client events a provider listens to. */
export interface ClientEventSource {
  on(event: 'change', listener: (event: ChangeEvent) => void): unknown;
  on(event: 'ready' | 'stale', listener: () => void): unknown;
  on(event: 'error' | 'failed', listener: (error: Error) => void): unknown;
}

/** How a provider's events differ between the SDKs. */
export interface ProviderEventOptions {
  /** Message of STALE events; none by default. */
  staleMessage?: string;
  /**
   * One ERROR per outage (until the client is `ready` again) rather than one per failure: a server
   * client retries every poll, and each ERROR would pull the status back from STALE to ERROR.
   */
  oneErrorPerOutage?: boolean;
  /** While this returns true, `change` is not forwarded (the provider is applying a context change itself). */
  isReconciling?: () => boolean;
}

/** Forwards client events as provider events; see {@link forwardClientEvents}. */
export interface ProviderEventForwarder {
  /**
   * Call when `initialize()` resolves: from then on a client `ready` means "recovered" and is
   * forwarded, and so is `change` (before, the READY that OpenFeature emits when `initialize()`
   * resolves covers every change: handlers never see CONFIGURATION_CHANGED before READY).
   */
  markInitialized(): void;
  /**
   * The client's `failed` error once the server refused the key, else `undefined`: `initialize()`
   * then throws OpenFeature's `ProviderFatalError` with its message, so the provider is FATAL.
   */
  readonly fatal: Error | undefined;
}

/**
 * Translates client events into OpenFeature provider events: `change` → CONFIGURATION_CHANGED with
 * `flagsChanged` and `ready` → READY, both once initialized (the OpenFeature SDK emits the first
 * READY itself when `initialize()` resolves); `stale` → STALE, `error` → ERROR with the message,
 * `failed` → ERROR with errorCode `PROVIDER_FATAL` (the provider's status becomes FATAL; nothing
 * follows it).
 */
export function forwardClientEvents(
  client: ClientEventSource,
  emit: (event: OpenFeatureProviderEvent, details?: OpenFeatureEventDetails) => void,
  options: ProviderEventOptions = {},
): ProviderEventForwarder {
  let initialized = false;
  let failing = false;
  let fatal: Error | undefined;
  client.on('change', ({ flags }) => {
    if (initialized && !options.isReconciling?.()) emit('PROVIDER_CONFIGURATION_CHANGED', { flagsChanged: flags });
  });
  client.on('stale', () =>
    options.staleMessage === undefined
      ? emit('PROVIDER_STALE')
      : emit('PROVIDER_STALE', { message: options.staleMessage }),
  );
  client.on('failed', (error) => {
    fatal = error;
    // Before initialization, initialize() rejects with it and OpenFeature emits the ERROR itself.
    if (initialized) emit('PROVIDER_ERROR', { message: error.message, errorCode: 'PROVIDER_FATAL' });
  });
  client.on('error', (error) => {
    if (failing || fatal) return;
    if (options.oneErrorPerOutage) failing = true;
    emit('PROVIDER_ERROR', { message: error.message });
  });
  client.on('ready', () => {
    failing = false;
    if (initialized) emit('PROVIDER_READY');
  });
  return {
    markInitialized() {
      initialized = true;
    },
    get fatal() {
      return fatal;
    },
  };
}
