import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeMessage } from '../../src/propagation/change-message.js';
import { RedisBus } from '../../src/propagation/redis-bus.js';
import { freePort, RedisProcess } from './support/processes.js';
import { until } from './support/replica.js';

const message = (revision: number): ChangeMessage => ({
  projectKey: 'shop',
  environmentKey: 'prod',
  revision,
  changed: { flags: ['checkout'], segments: [] },
});

describe('the Redis bus and its own messages', () => {
  let redis: RedisProcess;
  let watcher: Redis;
  let a: RedisBus;
  let b: RedisBus;

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    watcher = new Redis(redis.url);
    a = new RedisBus({ url: redis.url });
    b = new RedisBus({ url: redis.url });
    await until(async () => (await watcher.client('LIST')).split('\n').length >= 5, 'both buses connected');
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    watcher?.disconnect();
    await redis?.stop();
  });

  it('drops the echo of messages a replica published as applied here already; all others reach its listeners', async () => {
    const atA: number[] = [];
    const atB: number[] = [];
    a.subscribe((received) => atA.push(received.revision));
    b.subscribe((received) => atB.push(received.revision));
    // Redis delivers to the publisher too: a third subscriber sees every message.
    const onWire: number[] = [];
    const wire = new Redis(redis.url);
    wire.on('pmessage', (_pattern, _channel, text: string) => onWire.push(JSON.parse(text).revision));
    await wire.psubscribe('switchyard:changes:*');
    try {
      await a.publish([message(1), message(2)], { appliedHere: true });
      await b.publish([message(3)], { appliedHere: true });
      await until(async () => onWire.length === 3 && atA.length === 1 && atB.length === 2, 'messages delivered');
      // Redis sends a subscriber messages in the order it processed them: once 4 is in at A, an echo
      // of 1 or 2 would be too.
      await b.publish([message(4)]); // e.g. the outbox drain: it comes back to its publisher too
      await until(async () => atA.length === 2 && atB.length === 3, 'the last message');
      expect(atA).toEqual([3, 4]);
      expect(atB).toEqual([1, 2, 4]);
      expect(onWire).toEqual([1, 2, 3, 4]);
    } finally {
      wire.disconnect();
    }
  });
});
