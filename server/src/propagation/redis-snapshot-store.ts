import type { Redis } from 'ioredis';
import type { SnapshotCacheStore } from './bus.js';
import { snapshotKey } from './change-message.js';

/** Stores the snapshot unless Redis holds a newer one (the first `"revision":` is the top-level one). */
export const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local revision = tonumber(string.match(current, '"revision":(%d+)'))
  if revision and revision > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/** The command connection of the Redis bus, with `SET_IF_NEWER` defined as `setSnapshotIfNewer`. */
export type CommandsClient = Redis & {
  setSnapshotIfNewer(key: string, revision: number, json: string): Promise<number>;
};

/** How soon a write that failed while Redis looked connected (a timeout) is tried again. */
const RETRY_DELAY_MS = 500;

interface UnwrittenSnapshot {
  projectKey: string;
  environmentKey: string;
  revision: number;
  json: string;
}

/**
 * The shared snapshot keys (`switchyard:snapshot:<project>:<environment>`), written check-and-set
 * on the revision. A write Redis did not take (down, restarting, timed out) is not dropped: the
 * newest one per key is kept and written again as soon as the connection is ready, since nothing
 * else would write that revision again (the replica whose feed built it "holds" it, so the
 * publisher's key writer skips it). Direct-Redis SDKs read only these keys, so a dropped write
 * left them serving an old snapshot (a flag killed during the outage still on) until the next
 * change. At most one entry per environment is kept, so memory is bounded by what this replica
 * writes anyway.
 */
export class RetryingSnapshotStore implements SnapshotCacheStore {
  readonly #commands: CommandsClient;
  /** Key → newest snapshot not written yet. */
  readonly #unwritten = new Map<string, UnwrittenSnapshot>();
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(commands: CommandsClient) {
    this.#commands = commands;
    commands.on('ready', () => void this.flush());
  }

  async get(projectKey: string, environmentKey: string): Promise<string | undefined> {
    if (this.#commands.status !== 'ready') return undefined;
    try {
      return (await this.#commands.get(snapshotKey(projectKey, environmentKey))) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(projectKey: string, environmentKey: string, revision: number, json: string): Promise<void> {
    const entry = { projectKey, environmentKey, revision, json };
    if (this.#commands.status !== 'ready') {
      this.#keep(entry);
      return;
    }
    await this.#write(entry);
  }

  /** Writes every kept snapshot (called when the connection becomes ready); resolves when done. */
  async flush(): Promise<void> {
    const entries = [...this.#unwritten.values()];
    this.#unwritten.clear();
    await Promise.all(entries.map((entry) => this.#write(entry)));
  }

  /** Snapshots waiting for Redis (for tests and metrics). */
  get unwrittenCount(): number {
    return this.#unwritten.size;
  }

  async #write(entry: UnwrittenSnapshot): Promise<void> {
    try {
      await this.#commands.setSnapshotIfNewer(
        snapshotKey(entry.projectKey, entry.environmentKey),
        entry.revision,
        entry.json,
      );
    } catch {
      this.#keep(entry);
      // Still connected (a timeout): 'ready' will not fire again, so retry on a timer.
      if (this.#commands.status === 'ready' && !this.#retryTimer) {
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          void this.flush();
        }, RETRY_DELAY_MS);
        this.#retryTimer.unref();
      }
    }
  }

  #keep(entry: UnwrittenSnapshot): void {
    const key = snapshotKey(entry.projectKey, entry.environmentKey);
    const kept = this.#unwritten.get(key);
    if (!kept || kept.revision <= entry.revision) this.#unwritten.set(key, entry);
  }

  /** Stops the retry timer (the bus is closing). */
  close(): void {
    clearTimeout(this.#retryTimer);
    this.#unwritten.clear();
  }
}
