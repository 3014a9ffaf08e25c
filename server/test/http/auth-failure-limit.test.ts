import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

const REDIS_URL = process.env['SWITCHYARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * 3,000 wrong tokens at 700/s all got 401 and never a 429. Failed authentications are now limited
 * per address (@fastify/rate-limit; in Redis with REDIS_URL, so replicas share the count): past the
 * limit every request of that address that needs a token gets 429 + Retry-After, valid token or not.
 */
const LIMIT = 50;
const WRONG = 'sy_admin_' + 'x'.repeat(43);

/** A fresh address per run, so counts left in the shared Redis by an earlier run cannot interfere. */
const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

function call(t: TestApp, token: string, remoteAddress: string, url = '/api/v1/projects') {
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, remoteAddress });
}

/** Sends `count` wrong tokens from `address`, `concurrency` at a time; the statuses in order of sending. */
async function guess(t: TestApp, address: string, count: number, concurrency = 50): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - sent) }, () => call(t, WRONG, address));
    for (const response of await Promise.all(batch)) statuses.push(response.statusCode);
  }
  return statuses;
}

const tally = (statuses: number[]) => ({
  401: statuses.filter((status) => status === 401).length,
  429: statuses.filter((status) => status === 429).length,
});

describe('failed authentications, counted in memory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ authFailureLimit: LIMIT, authFailureWindowMs: 60_000 });
  });
  afterAll(async () => t?.close());

  it('answers 429 with Retry-After after the limit, then refuses every token from that address', async () => {
    const address = randomAddress();
    const statuses = await guess(t, address, 3_000);
    expect(tally(statuses)).toEqual({ 401: LIMIT, 429: 3_000 - LIMIT });

    const refused = await call(t, WRONG, address);
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      error: 'too_many_requests',
      message: expect.stringContaining('failed authentications') as unknown,
    });
    // Decided: a valid token from a blocked address is refused too (a right guess must not be told apart).
    expect((await call(t, t.adminToken, address)).statusCode).toBe(429);
    // Public routes still answer it.
    expect((await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: address })).statusCode).toBe(200);
  });

  it('leaves other addresses and valid tokens alone', async () => {
    const address = randomAddress();
    for (let i = 0; i < 3 * LIMIT; i++) expect((await call(t, t.adminToken, address)).statusCode).toBe(200);
    expect((await call(t, WRONG, address)).statusCode).toBe(401);
    expect((await call(t, t.adminToken, randomAddress())).statusCode).toBe(200);
  });

  it('counts a missing or malformed Authorization header, but not a valid token of the wrong kind', async () => {
    const address = randomAddress();
    const client = await t.api('POST', '/projects', { key: 'shop', name: 'Shop' }).then(async () => {
      await t.api('POST', '/projects/shop/environments', { key: 'prod', name: 'Prod' });
      const created = await t.api('POST', '/tokens', {
        name: 'web',
        kind: 'client',
        project: 'shop',
        environment: 'prod',
      });
      return created.body.secret as string;
    });
    for (let i = 0; i < 2 * LIMIT; i++) expect((await call(t, client, address)).statusCode).toBe(403);
    for (let i = 0; i < LIMIT; i++) {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/projects', remoteAddress: address });
      expect(response.statusCode).toBe(401);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/projects', remoteAddress: address })).statusCode).toBe(
      429,
    );
  });
});

describe('failed authentications, counted in Redis across replicas', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const config = { authFailureLimit: LIMIT, authFailureWindowMs: 60_000, redisUrl: REDIS_URL };
    [a, b] = await Promise.all([createTestApp(config), createTestApp(config)]);
  });
  afterAll(async () => Promise.all([a?.close(), b?.close()]));

  it('adds up the failures every replica sees for one address', async () => {
    const address = randomAddress();
    const onA = await guess(a, address, 30, 10);
    expect(tally(onA)).toEqual({ 401: 30, 429: 0 });
    const onB = await guess(b, address, 1_000);
    expect(tally(onB)).toEqual({ 401: LIMIT - 30, 429: 1_000 - (LIMIT - 30) });
    // A learns of the block at the first failure it sees from that address.
    expect((await call(a, WRONG, address)).statusCode).toBe(429);
    expect((await call(a, a.adminToken, address)).statusCode).toBe(429);
    expect((await call(b, b.adminToken, randomAddress())).statusCode).toBe(200);
  });
});
