/** Changes remembered per environment (the latest ones): a message repeated later than this is delivered again. */
const PER_ENVIRONMENT = 64;
/** Environments remembered; past this the oldest-heard ones are forgotten. */
const MAX_ENVIRONMENTS = 10_000;

/** What identifies one change of one environment (see `DeliveredChanges.first`). */
export interface ChangeIdentity {
  project: string;
  environment: string;
  revision: number;
  flags: readonly string[];
  segments: readonly string[];
}

/**
 * Which changes the admin streams of this replica already got, so each change is sent once although
 * it comes by two paths (this replica's own commits right after commit, and every replica's
 * messages on the bus, this one's included) and the bus may repeat a message (the outbox drain
 * republishes what `announce` published but had not marked yet). A change is its environment's keys,
 * revision and changed keys: a deleted environment recreated under the same key starts its
 * revisions again, and its changes, changing other keys, are not taken for the old ones.
 */
export class DeliveredChanges {
  /** `project\0environment` → identities of its latest changes, oldest first (insertion order). */
  readonly #byEnvironment = new Map<string, Set<string>>();

  /** True the first time a change is seen (and remembers it); false when it was seen already. */
  first(change: ChangeIdentity): boolean {
    const environment = `${change.project}\u0000${change.environment}`;
    const identity = JSON.stringify([change.revision, change.flags, change.segments]);
    let seen = this.#byEnvironment.get(environment);
    if (seen?.has(identity)) return false;
    if (!seen) {
      if (this.#byEnvironment.size >= MAX_ENVIRONMENTS) {
        this.#byEnvironment.delete(this.#byEnvironment.keys().next().value!);
      }
      seen = new Set();
      this.#byEnvironment.set(environment, seen);
    }
    seen.add(identity);
    if (seen.size > PER_ENVIRONMENT) seen.delete(seen.values().next().value!);
    return true;
  }
}
