/**
 * Runs tasks one at a time per key, in arrival order; different keys run in parallel.
 *
 * Writes to one flag's configuration serialize on its row lock in the database anyway. Queueing
 * them here first means a burst of writes to one flag waits in memory instead of each holding a
 * pooled connection blocked on that lock, which would starve every other request of connections
 * (and make Prisma give up on starting transactions). Across instances the database still decides.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
