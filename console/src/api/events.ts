import { invalidate, peekQueryData, setQueryData } from '../hooks/query';
import { getListedFlag, type FlagWithStatus } from './flag-list';

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

/**
 * A transport: starts delivering events to `emit` (and calling `resync` when events may have been
 * missed), returns a function that stops it.
 */
export type EventSourceFactory = (emit: ChangeListener, resync: () => void) => () => void;

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

/** Changes may have been missed (the server lost its bus for a while, or the stream dropped): refetch every query. */
export function resyncAll(): void {
  invalidate('');
}

/** Connects a transport (replacing any previous one); `null` disconnects. */
export function connectEvents(source: EventSourceFactory | null): void {
  disconnect?.();
  disconnect = source ? source(emit, resyncAll) : null;
}

/** Changes of at most this many flags patch a loaded flag list; more reload it. */
const PATCH_LIMIT = 20;

/**
 * Replaces (or drops, or adds) the changed flags in the loaded list of live flags, reading only
 * them: a change must not reload 10,000 flags in every open console.
 */
async function patchFlagList(project: string, flags: string[], listKey: string): Promise<void> {
  try {
    const fresh = await Promise.all(flags.map((key) => getListedFlag(project, key)));
    const current = peekQueryData<FlagWithStatus[]>(listKey);
    if (!current) return;
    const byKey = new Map(current.map((flag) => [flag.key, flag]));
    flags.forEach((key, index) => {
      const flag = fresh[index];
      if (flag) byKey.set(key, flag);
      else byKey.delete(key);
    });
    // Keys are compared by code unit, as the server orders them.
    setQueryData(
      listKey,
      [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    );
  } catch {
    invalidate(listKey);
  }
}

/** The cache keys a change makes stale (see hooks/useFlags.ts, hooks/query.ts). */
export function invalidateFor(event: ChangeEvent): void {
  const listKey = `flags:${event.project}:all:live`;
  const patch =
    peekQueryData(listKey) !== undefined &&
    event.segments.length === 0 &&
    event.flags.length > 0 &&
    event.flags.length <= PATCH_LIMIT;
  invalidate(`flags:${event.project}:`, patch ? (key) => key === listKey : undefined);
  if (patch) void patchFlagList(event.project, event.flags, listKey);
  invalidate('flags:*');
  invalidate('audit:');
  if (event.segments.length > 0) invalidate(`segments:${event.project}:`);
}

/**
 * Events arriving together (a kill in every environment is one event per environment) are merged
 * per project and applied once, so the screens refetch once rather than once per event.
 */
const BATCH_MS = 50;
let pending = new Map<string, ChangeEvent>();
let timer: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  timer = null;
  const batch = pending;
  pending = new Map();
  for (const event of batch.values()) invalidateFor(event);
}

subscribe((event) => {
  const merged = pending.get(event.project);
  pending.set(
    event.project,
    merged
      ? {
          ...merged,
          flags: [...new Set([...merged.flags, ...event.flags])],
          segments: [...new Set([...merged.segments, ...event.segments])],
        }
      : event,
  );
  timer ??= setTimeout(flush, BATCH_MS);
});
