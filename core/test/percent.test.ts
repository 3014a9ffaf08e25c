import { describe, expect, it } from 'vitest';
import {
  basisPointsToPercent,
  configFromPercent,
  configToPercent,
  isPercent,
  percentServeSchema,
  percentRuleSchema,
  percentSchema,
  percentToBasisPoints,
} from '../src/schema/index.js';
import type { Rule, Serve } from '../src/model/flag.js';

describe('percent ↔ basis points', () => {
  it('is exact for every two-decimal percent, written as people and JSON write it', () => {
    for (let bps = 0; bps <= 10000; bps++) {
      const whole = Math.floor(bps / 100);
      const cents = bps % 100;
      const spellings = [
        `${whole}.${String(cents).padStart(2, '0')}`,
        String(bps / 100),
        (bps / 100).toFixed(2),
        JSON.stringify(bps / 100),
      ];
      for (const text of spellings) {
        const percent = JSON.parse(text) as number;
        expect(isPercent(percent), text).toBe(true);
        expect(percentToBasisPoints(percent), text).toBe(bps);
      }
      expect(basisPointsToPercent(bps)).toBe(JSON.parse(String(bps / 100)));
      expect(percentToBasisPoints(basisPointsToPercent(bps))).toBe(bps);
    }
  });

  it('has no float drift on the classic cases', () => {
    expect(0.29 * 100).not.toBe(29); // why Math.round is needed
    expect(percentToBasisPoints(0.29)).toBe(29);
    expect(percentToBasisPoints(0.57)).toBe(57);
    expect(percentToBasisPoints(1.15)).toBe(115);
    expect(percentToBasisPoints(4.35)).toBe(435);
    expect(percentToBasisPoints(25.5)).toBe(2550);
    expect(percentToBasisPoints(99.99)).toBe(9999);
    expect(percentToBasisPoints(100)).toBe(10000);
    expect(JSON.stringify(basisPointsToPercent(2550))).toBe('25.5');
    expect(JSON.stringify(basisPointsToPercent(29))).toBe('0.29');
  });

  it('refuses more than two decimals, out of range and non-numbers', () => {
    for (const value of [0.001, 0.295, 12.345, 33.333, -0.01, 100.01, 1e-7, Number.NaN, Infinity, '25', null]) {
      expect(isPercent(value), String(value)).toBe(false);
    }
    expect(() => percentToBasisPoints(0.295)).toThrow(RangeError);
    expect(percentSchema.safeParse(12.345).success).toBe(false);
    expect(percentSchema.safeParse(12.34).success).toBe(true);
  });

  it('converts configurations both ways, keeping other fields', () => {
    const rules: Rule[] = [
      {
        id: 'r',
        conditions: [],
        segments: [],
        rollout: { percentage: 2550, stickiness: 'accountId' },
        serve: {
          split: [
            { variant: 'a', weight: 3333 },
            { variant: 'b', weight: 6667 },
          ],
        },
      },
      { id: 'plain', conditions: [], segments: [], serve: { variant: 'a' } },
    ];
    const defaultServe: Serve = { split: [{ variant: 'a', weight: 10000 }], stickiness: 'sessionId' };
    const model = { enabled: true, defaultServe, rules };
    const percent = configToPercent(model);
    expect(percent).toEqual({
      enabled: true,
      defaultServe: { split: [{ variant: 'a', percent: 100 }], stickiness: 'sessionId' },
      rules: [
        {
          id: 'r',
          conditions: [],
          segments: [],
          rollout: { percent: 25.5, stickiness: 'accountId' },
          serve: {
            split: [
              { variant: 'a', percent: 33.33 },
              { variant: 'b', percent: 66.67 },
            ],
          },
        },
        { id: 'plain', conditions: [], segments: [], serve: { variant: 'a' } },
      ],
    });
    expect(configFromPercent(percent)).toEqual(model);
  });

  it('sums split percents exactly (33.33 + 33.33 + 33.34 = 100) and names a wrong total in percent', () => {
    const split = (...percents: number[]) => ({ split: percents.map((percent, i) => ({ variant: `v${i}`, percent })) });
    expect(percentServeSchema.safeParse(split(33.33, 33.33, 33.34)).success).toBe(true);
    expect(percentServeSchema.safeParse(split(0.1, 0.2, 99.7)).success).toBe(true);
    const wrong = percentServeSchema.safeParse(split(50, 40));
    expect(wrong.error?.issues.map((issue) => issue.message)).toContain('split percents sum to 90, not 100');
    expect(percentServeSchema.safeParse(split(50, 50.005)).success).toBe(false);
  });

  it('validates rules in percent', () => {
    const rule = { id: 'r', conditions: [], segments: [], serve: { variant: 'on' } };
    expect(percentRuleSchema.safeParse({ ...rule, rollout: { percent: 12.5 } }).success).toBe(true);
    expect(percentRuleSchema.safeParse({ ...rule, rollout: { percent: 101 } }).success).toBe(false);
    expect(percentRuleSchema.safeParse({ ...rule, rollout: { percentage: 1250 } }).success).toBe(false);
  });
});
