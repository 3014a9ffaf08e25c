import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  byAcceptance,
  parsePendingKill,
  PENDING_KILLS_CHANNEL,
  PENDING_KILLS_KEY,
  PENDING_KILLS_LOCK_KEY,
  type PendingKill,
  type PendingKillStore,
} from './pending-kill.js';

/** Deletes the lock only if it is still ours (it may have expired and been taken by another replica). */
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Pending kills in a Redis hash, with a pub/sub notice per addition or removal carrying the kill
 * itself, so a replica applies it in the same tick as the messages published after it (the
 * snapshot-key announcement of the kill). The hash is the truth: `reload()` reads it at start, after
 * every reconnection and on the drainer's timer. Durable as far as Redis is: with persistence (AOF)
 * it survives a Redis restart; without, replicas that hold a kill in memory store it again when
 * Redis comes back (`restore`).
 */
export class RedisPendingKills implements PendingKillStore {
  readonly #commands: Redis;
  readonly #known = new Map<string, PendingKill>();
  readonly #listeners = new Set<(kills: readonly PendingKill[]) => void>();
  #sorted: PendingKill[] = [];

  constructor(commands: Redis) {
    this.#commands = commands;
    // At start and after every reconnection: kills added or recorded while we were away.
    commands.on('ready', () => void this.reload().catch(() => {}));
  }

  get kills(): readonly PendingKill[] {
    return this.#sorted;
  }

  get available(): boolean {
    return this.#commands.status === 'ready';
  }

  async add(kill: PendingKill): Promise<void> {
    const json = JSON.stringify(kill);
    await this.#commands
      .multi()
      .hset(PENDING_KILLS_KEY, kill.id, json)
      .publish(PENDING_KILLS_CHANNEL, `{"added":${json}}`)
      .exec();
    this.#set(kill);
  }

  async remove(id: string): Promise<void> {
    await this.#commands
      .multi()
      .hdel(PENDING_KILLS_KEY, id)
      .publish(PENDING_KILLS_CHANNEL, JSON.stringify({ removed: id }))
      .exec();
    this.#delete(id);
  }

  async reload(): Promise<void> {
    const stored = await this.#commands.hgetall(PENDING_KILLS_KEY);
    const kills = Object.values(stored).flatMap((text) => parsePendingKill(text) ?? []);
    // Redis restarted without persistence: what this replica still holds goes back (recording is
    // idempotent, so a kill that was recorded meanwhile is not recorded twice).
    const lost = [...this.#known.values()].filter((kill) => stored[kill.id] === undefined);
    if (lost.length > 0 && Object.keys(stored).length === 0) {
      const multi = this.#commands.multi();
      for (const kill of lost) multi.hset(PENDING_KILLS_KEY, kill.id, JSON.stringify(kill));
      await multi.exec();
      kills.push(...lost);
    }
    const same = kills.length === this.#known.size && kills.every((kill) => this.#known.has(kill.id));
    this.#known.clear();
    for (const kill of kills) this.#known.set(kill.id, kill);
    if (!same) this.#changed();
  }

  /** A notice from the pending-kills channel. */
  receive(text: string): void {
    let notice: { added?: unknown; removed?: unknown };
    try {
      notice = JSON.parse(text) as typeof notice;
    } catch {
      return;
    }
    if (typeof notice.removed === 'string') this.#delete(notice.removed);
    const added = notice.added === undefined ? null : parsePendingKill(JSON.stringify(notice.added));
    if (added) this.#set(added);
  }

  onChange(listener: (kills: readonly PendingKill[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async tryLock(ttlMs: number): Promise<(() => Promise<void>) | null> {
    const token = randomUUID();
    const taken = await this.#commands.set(PENDING_KILLS_LOCK_KEY, token, 'PX', ttlMs, 'NX');
    if (taken !== 'OK') return null;
    return async () => {
      await this.#commands.eval(RELEASE_LOCK, 1, PENDING_KILLS_LOCK_KEY, token).catch(() => {});
    };
  }

  #set(kill: PendingKill): void {
    if (this.#known.has(kill.id)) return;
    this.#known.set(kill.id, kill);
    this.#changed();
  }

  #delete(id: string): void {
    if (this.#known.delete(id)) this.#changed();
  }

  #changed(): void {
    this.#sorted = [...this.#known.values()].sort(byAcceptance);
    for (const listener of this.#listeners) listener(this.#sorted);
  }
}
