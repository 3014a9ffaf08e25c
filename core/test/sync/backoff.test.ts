import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, RECONNECT_BACKOFF } from '../../src/sync/index.js';

const bounds = { minMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to maxMs', () => {
    const almostOne = () => 0.999999;
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, bounds, almostOne))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('draws uniformly from zero (full jitter)', () => {
    expect(backoffDelay(3, bounds, () => 0)).toBe(0);
    expect(backoffDelay(3, bounds, () => 0.5)).toBe(400);
  });

  it('stays within [0, ceiling) with the real random source', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, bounds);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(1000, 100 * 2 ** attempt));
    }
  });
});

describe('Backoff', () => {
  it('counts failures and starts over after reset', () => {
    const backoff = new Backoff(bounds, () => 0.5);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 100, 200]);
    expect(backoff.failures).toBe(3);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(50);
  });
});

describe("RECONNECT_BACKOFF (the SDKs' default)", () => {
  it('retries first within 250 ms and never waits 1.5 s or more, however many attempts failed', () => {
    const almostOne = () => 0.999999;
    expect(backoffDelay(0, RECONNECT_BACKOFF, almostOne)).toBeLessThan(250);
    for (let attempt = 0; attempt < 50; attempt++) {
      expect(backoffDelay(attempt, RECONNECT_BACKOFF, almostOne)).toBeLessThan(1_500);
    }
    expect(backoffDelay(50, RECONNECT_BACKOFF, almostOne)).toBe(1_499);
  });
});
