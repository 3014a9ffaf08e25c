import type { ChangeBus, ChangeMessageListener } from './bus.js';
import type { ChangeMessage } from './change-message.js';
import type { RevocationListener, RevocationMessage } from './revocation-message.js';

/** The bus of embedded mode (no REDIS_URL): one process, so delivery is a function call. */
export class MemoryBus implements ChangeBus {
  readonly kind = 'memory' as const;
  readonly snapshots = undefined;
  readonly pendingKills = undefined;
  readonly #listeners = new Set<ChangeMessageListener>();
  readonly #revocationListeners = new Set<RevocationListener>();

  async publish(messages: readonly ChangeMessage[]): Promise<void> {
    // Delivered on a later tick, like a network bus: publishers never run receivers' code inline.
    await Promise.resolve();
    for (const message of messages) for (const listener of this.#listeners) listener(message);
  }

  subscribe(listener: ChangeMessageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async publishRevocation(message: RevocationMessage): Promise<void> {
    await Promise.resolve();
    for (const listener of this.#revocationListeners) listener(message);
  }

  onRevocation(listener: RevocationListener): () => void {
    this.#revocationListeners.add(listener);
    return () => this.#revocationListeners.delete(listener);
  }

  onResubscribed(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#revocationListeners.clear();
  }
}
