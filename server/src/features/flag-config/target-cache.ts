import type { ConfigTarget } from './target.js';

/**
 * The rows the last write of each (project, flag, environment) worked on and left, so the next
 * write of the same target can skip reading them: it is computed from these rows and lands only if
 * they are still current (see `writeConfigIfCurrent`), so a stale entry costs a re-read, never a
 * wrong write. Holds the `limit` most recently used targets.
 */
export class TargetCache {
  readonly #entries = new Map<string, ConfigTarget>();

  constructor(private readonly limit = 1_000) {}

  get(key: string): ConfigTarget | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, target: ConfigTarget): void {
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
