import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RETRY_AFTER_MAX_MS, retryAfterDelay } from '../../src/sync/index.js';

const NOW = Date.parse('2026-12-03T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['delay-seconds', '15', 15_000],
    ['zero', '0', 0],
    ['surrounding spaces', ' 2 ', 2_000],
    ['an IMF-fixdate 90 s ahead', 'Thu, 03 Dec 2026 10:01:30 GMT', 90_000],
    ['an obsolete RFC 850 date', 'Thursday, 03-Dec-26 10:00:05 GMT', 5_000],
    ['an asctime date', 'Thu Dec  3 10:00:07 2026', 7_000],
    ['a date in the past (now)', 'Thu, 03 Dec 2026 09:00:00 GMT', 0],
    ['absurd seconds (clamped)', '31536000', RETRY_AFTER_MAX_MS],
    ['seconds past Number precision (clamped)', '9'.repeat(400), RETRY_AFTER_MAX_MS],
    ['a date next year (clamped)', 'Fri, 03 Dec 2027 10:00:00 GMT', RETRY_AFTER_MAX_MS],
  ])('%s: %j → %d ms', (_, header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it.each([
    ['no header', null],
    ['empty', ''],
    ['negative', '-5'],
    ['a fraction', '1.5'],
    ['garbage', 'soon'],
    ['an ISO date without letters', '2026-12-03 10:01:30'],
    ['a number and junk', '5 seconds'],
  ])('%s (%j) is not a Retry-After', (_, header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });
});

describe('retryAfterDelay', () => {
  it('is never less than asked, and at most half as long again', () => {
    expect(retryAfterDelay(2_000, () => 0)).toBe(2_000);
    expect(retryAfterDelay(2_000, () => 0.999_999)).toBe(2_999);
    expect(retryAfterDelay(0, () => 0.5)).toBe(0);
  });

  it('spreads clients told the same thing over the window', () => {
    const delays = Array.from({ length: 200 }, () => retryAfterDelay(30_000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(30_000);
    expect(Math.max(...delays)).toBeLessThan(45_000);
    // 200 uniform draws over 15 s: the spread is far more than a few seconds.
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(10_000);
  });
});
