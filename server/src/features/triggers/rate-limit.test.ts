import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { freePort, RedisProcess } from '../../../test/propagation/support/processes.js';
import { TRIGGER_LIMIT_REDIS_PREFIX, TRIGGER_LIMITS } from './rate-limits.js';

let t: TestApp;
let redis: RedisProcess;
let client: Redis;

beforeAll(async () => {
  // A redis-server of this file's own: the counts are checked in it, and it is stopped at the end.
  redis = new RedisProcess(await freePort());
  await redis.start();
  client = new Redis(redis.url);
  client.on('error', () => {}); // the last test stops the server under it
  t = await createTestApp({ redisUrl: redis.url });
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'c', type: 'boolean' })).status).toBe(
    201,
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
  client?.disconnect();
  await redis?.stop();
});

async function createTrigger(): Promise<{ id: string; path: string }> {
  const response = await t.api('POST', '/projects/shop/triggers', {
    name: 'pager',
    flag: 'checkout',
    environment: 'prod',
  });
  expect(response.status).toBe(201);
  return response.body;
}

function call(path: string, remoteAddress: string) {
  return t.app.inject({ method: 'POST', url: path, payload: { action: 'kill', reason: 'alert' }, remoteAddress });
}

describe('incoming rate limits', () => {
  it(`a trigger takes ${TRIGGER_LIMITS.perTrigger} calls a window, from any addresses; then 429 + Retry-After`, async () => {
    const trigger = await createTrigger();
    for (let i = 0; i < TRIGGER_LIMITS.perTrigger; i++) {
      expect((await call(trigger.path, `198.51.100.${i + 1}`)).statusCode).toBe(200);
    }
    const refused = await call(trigger.path, '198.51.100.200');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'too_many_requests' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(TRIGGER_LIMITS.windowSeconds);
    // Another trigger is not affected, and the count is kept in Redis (shared by every replica).
    expect((await call((await createTrigger()).path, '198.51.100.201')).statusCode).toBe(200);
    expect(await client.get(`${TRIGGER_LIMIT_REDIS_PREFIX}:trigger:${trigger.id}`)).toBe(
      String(TRIGGER_LIMITS.perTrigger + 1),
    );
  });

  it(`an address gets ${TRIGGER_LIMITS.perAddress} calls a window, unknown secrets included; then 429 even with a valid one`, async () => {
    const trigger = await createTrigger();
    const address = '203.0.113.7';
    for (let i = 0; i < TRIGGER_LIMITS.perAddress; i++) {
      expect((await call(`/api/v1/triggers/incoming/guess-${i}`, address)).statusCode).toBe(404);
    }
    const refused = await call(trigger.path, address);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await call(trigger.path, '203.0.113.8')).statusCode).toBe(200);
  });

  it('with Redis down, the limits count in memory: calls are still answered, never a 500', async () => {
    const trigger = await createTrigger();
    await redis.stop();
    const response = await call(trigger.path, '192.0.2.50');
    expect(response.statusCode).toBe(200);
    expect((await call('/api/v1/triggers/incoming/unknown', '192.0.2.50')).statusCode).toBe(404);
  });
});
