import type { ConfigState } from '../flags/store.js';
import type { ConfigTarget } from './target.js';

/**
 * A cached target. `validatedShape`: `shapeOf` the configuration the write that left it validated
 * (absent when that write did not validate, e.g. a kill).
 */
export interface CachedTarget extends ConfigTarget {
  validatedShape?: string | undefined;
}

/**
 * Everything of a configuration that validation looks at but `enabled` (a boolean, whatever the
 * rest: the flag schema has no rule about it), as text. A configuration of the same shape as one
 * validated against the same flag row (same `xmin`) is valid: turning a flag on or off needs no
 * second validation. Validation beyond the flag row (prerequisites, segments) is never skipped:
 * those writes need locked reads and do not take the cached path.
 */
export function shapeOf(state: ConfigState): string {
  return JSON.stringify([state.offVariant, state.defaultServe, state.rules, state.prerequisites]);
}

/**
 * The rows the last write of each (project, flag, environment) worked on and left, so the next
 * write of the same target can skip reading them: it is computed from these rows and lands only if
 * they are still current (see `writeConfigIfCurrent`), so a stale entry costs a re-read, never a
 * wrong write. Holds the `limit` most recently used targets.
 */
export class TargetCache {
  readonly #entries = new Map<string, CachedTarget>();

  constructor(private readonly limit = 1_000) {}

  get(key: string): CachedTarget | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, target: CachedTarget): void {
    this.#entries.delete(key);
    this.#entries.set(key, target);
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** The key of a target. */
  static keyOf(projectKey: string, flagKey: string, environmentKey: string): string {
    return `${projectKey}\u0000${flagKey}\u0000${environmentKey}`;
  }
}
