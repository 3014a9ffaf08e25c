import type { ErrorCode, EvaluationResult, JsonValue, Reason } from '../index.js';

/** Reason of a client result: core's reasons, plus `CACHED` for a value taken from a bootstrap value map. */
export type ClientReason = Reason | 'CACHED';

/** Error code of a result: core's codes, plus `PROVIDER_NOT_READY` when the client has no flags yet. */
export type ClientErrorCode = ErrorCode | 'PROVIDER_NOT_READY';

/**
 * The outcome of one client evaluation (frozen; may be shared between calls). `R` narrows the
 * reasons an SDK can return (the Node SDK has no bootstrap value map, so no `CACHED`).
 */
export interface EvaluationDetails<T = JsonValue, R extends ClientReason = ClientReason> extends Omit<
  EvaluationResult<T>,
  'reason' | 'errorCode'
> {
  reason: R;
  errorCode?: ClientErrorCode;
}

/** What `getVariant` returns: the variant served (absent on errors) and its value. */
export interface VariantResult<T = JsonValue> {
  variant: string | undefined;
  value: T;
}

/** Payload of the `change` event. */
export interface ChangeEvent {
  /**
   * Keys (sorted) of the flags whose definition changed (server update), so whose answers may
   * have, or whose answer changed (browser `identify`).
   */
  flags: string[];
}

/**
 * Events of an SDK client:
 * - `ready`: the client has flags (bootstrap, server, or a cache when the server is unreachable),
 *   and again each time it is back in contact after `stale` or an `error`;
 * - `change`: flags changed;
 * - `stale`: the client lost contact with the server; the flags held may be out of date;
 * - `error`: a network or payload error (the client keeps serving what it has and retries);
 * - `failed`: the server refused the key (401/403). The client has stopped for good (no retries);
 *   it keeps serving what it holds (bootstrap, cache, last snapshot) or the callers' defaults.
 */
export interface ClientEvents {
  ready: void;
  change: ChangeEvent;
  stale: void;
  error: Error;
  failed: Error;
}
