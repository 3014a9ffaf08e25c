/**
 * `@switchyard/core/sync`: the pure, I/O-free client state both SDKs share (snapshot store with the
 * protocol's revision rules, change detection, backoff, a typed emitter). Transports (EventSource,
 * HTTP, Redis) live in the SDKs.
 */
export { Backoff, backoffDelay, RECONNECT_BACKOFF, type BackoffOptions } from './backoff.js';
export { changedFlagKeys, type DefinitionChanges } from './changed-flags.js';
export { createEmitter, type Emitter, type EventArgs, type EventMap, type Listener } from './emitter.js';
export { createSnapshotStore, type SnapshotStore, type ApplyStatus, type PutOptions } from './snapshot-store.js';
export { parseRetryAfter, retryAfterDelay, RETRY_AFTER_MAX_MS } from './retry-after.js';
export { isSnapshot, isSnapshotPatch } from './wire-guards.js';
