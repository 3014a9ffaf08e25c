import type { Snapshot } from '@switchyard/core';
import type { StorageLike } from './types.js';

/**
 * The last snapshot received, kept in storage (per server URL and key) so a reload while offline
 * still renders the right flags. Storage access may throw (Safari private mode, sandboxed iframes,
 * quota): the cache is best-effort and never fails the client.
 */
export class SnapshotCache {
  readonly #key: string;
  readonly #storage: StorageLike | undefined;

  constructor(storage: StorageLike | undefined, url: string, clientKey: string) {
    this.#storage = storage;
    this.#key = `switchyard:${url}:${clientKey}`;
  }

  /** The cached snapshot, unvalidated (the store checks it), or `undefined`. */
  load(): unknown {
    try {
      const text = this.#storage?.getItem(this.#key);
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  }

  save(snapshot: Snapshot): void {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(snapshot));
    } catch {
      // Quota or disabled storage: the cache is an optimisation only.
    }
  }
}

/** `localStorage`, when this runtime has one that can be touched. */
export function defaultStorage(): StorageLike | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
