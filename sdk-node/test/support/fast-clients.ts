import { createClient, type NodeClientOptions, type SwitchyardClient } from '../../src/index.js';

/**
 * Clients that retry fast (20–100 ms backoff, 100 ms polls), so a fault or a retry the SDK should
 * not make shows within a test's time; `closeAll()` closes every client made so far.
 */
export function fastClients(defaults: () => Partial<NodeClientOptions>): {
  client(options?: Partial<NodeClientOptions>): SwitchyardClient;
  /** Closes `created` (made elsewhere, e.g. by a provider) with the others. */
  track(created: SwitchyardClient): void;
  closeAll(): Promise<void>;
} {
  const clients: SwitchyardClient[] = [];
  return {
    client(options = {}) {
      const created = createClient({
        metrics: false,
        reconnectMinMs: 20,
        reconnectMaxMs: 100,
        pollIntervalMs: 100,
        ...defaults(),
        ...options,
      } as NodeClientOptions);
      clients.push(created);
      return created;
    },
    track(created) {
      clients.push(created);
    },
    async closeAll() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    },
  };
}
