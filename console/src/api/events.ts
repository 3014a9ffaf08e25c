import { invalidate } from '../hooks/query';

/**
 * Live updates: changes made elsewhere (API, CLI, another browser) reach the console as events,
 * and each one invalidates the cached queries it affects, so open screens refetch. No polling.
 *
 * The transport is pluggable because the server's admin event stream (after-commit change events)
 * is not on main yet: `connectEvents(source)` is where the lead plugs it in, e.g. an EventSource
 * on `/api/v1/events` (same-origin cookie session) that calls `emit` for each message. Until then
 * nothing is connected and the console refetches after its own changes only.
 */
export interface ChangeEvent {
  /** Project key; null for instance-wide changes (tokens). */
  project: string | null;
  /** What changed: `flag`, `flag_config`, `segment`, `token`, … (the audit log's target type). */
  targetType: string;
  /** The target's key (a flag key for flag and flag_config). */
  targetKey: string;
  environment: string | null;
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
  if (event.targetType === 'token') invalidate('tokens');
  if (event.project !== null) invalidate(`flags:${event.project}:`);
  invalidate('flags:*');
  invalidate('audit:');
}

subscribe(invalidateFor);
