/** Revisions remembered per environment (the latest ones): a message repeated later than this is delivered again. */
const PER_ENVIRONMENT = 64;
/** Environments remembered; past this the oldest-heard ones are forgotten. */
const MAX_ENVIRONMENTS = 10_000;

/**
 * Which changes the admin streams of this replica already got, so each change is sent once although
 * it comes by two paths (this replica's own commits right after commit, and every replica's
 * messages on the bus, possibly this one's) and the bus may repeat a message (the outbox drain
 * republishes what `announce` published but had not marked yet). A change is its environment's
 * keys and revision (one revision, one commit). A deleted environment recreated under the same
 * keys starts its revisions again: `forget()` when environments are deleted.
 */
export class DeliveredChanges {
  /** `project\0environment` → its latest delivered revisions, oldest first (insertion order). */
  readonly #byEnvironment = new Map<string, Set<number>>();

  /** True the first time a change is seen (and remembers it); false when it was seen already. */
  first(change: { project: string; environment: string; revision: number }): boolean {
    const environment = `${change.project}\u0000${change.environment}`;
    let seen = this.#byEnvironment.get(environment);
    if (seen?.has(change.revision)) return false;
    if (!seen) {
      if (this.#byEnvironment.size >= MAX_ENVIRONMENTS) {
        this.#byEnvironment.delete(this.#byEnvironment.keys().next().value!);
      }
      seen = new Set();
      this.#byEnvironment.set(environment, seen);
    }
    seen.add(change.revision);
    if (seen.size > PER_ENVIRONMENT) seen.delete(seen.values().next().value!);
    return true;
  }

  /** Forgets everything (environments were deleted: their keys may come back with revisions from 1). */
  forget(): void {
    this.#byEnvironment.clear();
  }
}
