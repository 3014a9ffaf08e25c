import { invalidate } from '../hooks/query';

/**
 * Live updates: changes made elsewhere (API, CLI, another browser) reach the console as events,
 * and each one invalidates the cached queries it affects, so open screens refetch. No polling.
 *
 * The transport is pluggable (`connectEvents(source)`): today `adminStream()` (api/admin-stream.ts)
 * reads the server's `GET /api/v1/events` SSE stream; another after-commit event source can replace
 * it without touching the screens.
 */
export interface ChangeEvent {
  /** Project key. */
  project: string;
  /** Environment key. */
  environment: string;
  /** Keys of the flags and segments whose configuration changed. */
  flags: string[];
  segments: string[];
}

export type ChangeListener = (event: ChangeEvent) => void;

/** A transport: starts delivering events to `emit`, returns a function that stops it. */
export type EventSourceFactory = (emit: ChangeListener) => () => void;

const listeners = new Set<ChangeListener>();
let disconnect: (() => void) | null = null;

/** Calls `listener` for every change event until the returned function is called. */
export function subscribe(listener: ChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Delivers one event to every subscriber (the transport calls this). */
export function emit(event: ChangeEvent): void {
  for (const listener of listeners) listener(event);
}

/** Connects a transport (replacing any previous one); `null` disconnects. */
export function connectEvents(source: EventSourceFactory | null): void {
  disconnect?.();
  disconnect = source ? source(emit) : null;
}

/** The cache keys a change makes stale (see hooks/useFlags.ts, hooks/query.ts). */
export function invalidateFor(event: ChangeEvent): void {
  invalidate(`flags:${event.project}:`);
  invalidate('flags:*');
  invalidate('audit:');
}

subscribe(invalidateFor);
