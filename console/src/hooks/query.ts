import { useEffect, useState } from 'preact/hooks';

/**
 * A small query cache: server data is kept by key, shared by every component that asks for it,
 * and refetched when a mutation invalidates its key (or a prefix of it). No global store: forms
 * keep their own state.
 */
interface Entry {
  promise?: Promise<unknown>;
  data?: unknown;
  /** What a first load has published so far (see `Publish`); shown until `data` arrives. */
  partial?: { data: unknown; progress: Progress };
  error?: unknown;
  /** The fetcher of the last component that asked, to refetch after an invalidation. */
  fetcher?: Fetcher<unknown>;
  listeners: Set<() => void>;
}

/** How much of a query that loads in parts has arrived. */
export interface Progress {
  loaded: number;
  total: number;
}

/**
 * Lets a fetcher that loads in parts (the flag list's pages) show what it has so far. Taken into
 * account on a first load only: a refetch keeps showing the previous complete data instead.
 * Not seen by `peekQueryData`, so nothing patches a half-loaded answer.
 */
export type Publish<T> = (partial: T, progress: Progress) => void;
export type Fetcher<T> = (publish: Publish<T>) => Promise<T>;

const cache = new Map<string, Entry>();

function entryOf(key: string): Entry {
  let entry = cache.get(key);
  if (!entry) {
    entry = { listeners: new Set() };
    cache.set(key, entry);
  }
  return entry;
}

function load(key: string, fetcher: Fetcher<unknown>): void {
  const entry = entryOf(key);
  if (entry.promise) return;
  const first = entry.data === undefined;
  // A fetcher may publish before its promise exists (then it is ignored): `self` holds it once made.
  const self: { promise?: Promise<void> } = {};
  const publish: Publish<unknown> = (data, progress) => {
    if (!first || self.promise === undefined || entry.promise !== self.promise) return;
    entry.partial = { data, progress };
    for (const listener of entry.listeners) listener();
  };
  const promise = fetcher(publish).then(
    (data) => {
      if (entry.promise !== promise) return;
      entry.data = data;
      entry.partial = undefined;
      entry.error = undefined;
    },
    (error: unknown) => {
      if (entry.promise !== promise) return;
      entry.partial = undefined;
      entry.error = error;
    },
  );
  entry.promise = self.promise = promise;
  void promise.finally(() => {
    if (entry.promise === promise) entry.promise = undefined;
    for (const listener of entry.listeners) listener();
  });
}

export interface QueryState<T> {
  /** The complete answer, or while a first load is in progress, what it has published so far. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** While a first load that publishes parts is in progress: how far it is. */
  progress?: Progress;
}

/** The data under `key`, fetched with `fetcher` when not cached (or after invalidation). */
export function useQuery<T>(key: string | null, fetcher: Fetcher<T>): QueryState<T> {
  const [, rerender] = useState(0);
  useEffect(() => {
    if (key === null) return;
    const entry = entryOf(key);
    entry.fetcher = fetcher;
    const listener = () => rerender((n) => n + 1);
    entry.listeners.add(listener);
    if (entry.data === undefined && entry.error === undefined) load(key, fetcher);
    return () => entry.listeners.delete(listener);
    // The key names the fetcher's inputs: a new key is a new query, the same key the same one.
  }, [key]);
  if (key === null) return { data: undefined, error: undefined, loading: false };
  const entry = entryOf(key);
  const partial = entry.data === undefined ? entry.partial : undefined;
  return {
    data: (entry.data ?? partial?.data) as T | undefined,
    error: entry.error,
    loading: entry.promise !== undefined || (entry.data === undefined && entry.error === undefined),
    ...(partial ? { progress: partial.progress } : {}),
  };
}

/** The data cached under `key`, if any (no fetch). */
export function peekQueryData<T>(key: string): T | undefined {
  return cache.get(key)?.data as T | undefined;
}

/** Puts fresh data under `key` (e.g. the configuration a mutation answered with). */
export function setQueryData(key: string, data: unknown): void {
  const entry = entryOf(key);
  entry.data = data;
  entry.error = undefined;
  for (const listener of entry.listeners) listener();
}

/**
 * Drops every cached key starting with `prefix` (but those `except` keeps); mounted queries refetch, showing their current
 * data until the new answer arrives (so an open list does not flash back to "Loading").
 */
export function invalidate(prefix: string, except?: (key: string) => boolean): void {
  for (const [key, entry] of cache) {
    if (!key.startsWith(prefix) || except?.(key)) continue;
    entry.promise = undefined;
    if (entry.listeners.size === 0 || !entry.fetcher) {
      cache.delete(key);
      continue;
    }
    load(key, entry.fetcher);
    for (const listener of entry.listeners) listener();
  }
}

/** Forgets everything (sign-out). */
export function clearQueries(): void {
  cache.clear();
}
