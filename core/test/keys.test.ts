import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAG_KEY_MAX_LENGTH, FLAG_KEY_PATTERN, flagKeyProblem, isFlagKey } from '../src/schema/index.js';

describe('flag and segment keys', () => {
  it('accepts what Unleash and LaunchDarkly users have', () => {
    for (const key of [
      'Feature.A',
      'feature.constraints.in',
      'UPPER_case-~x',
      'new-checkout',
      '0',
      '.hidden',
      '...x',
      'x.',
      '~',
      'K'.repeat(FLAG_KEY_MAX_LENGTH),
    ]) {
      expect(isFlagKey(key), key).toBe(true);
      expect(flagKeyProblem(key), key).toBeNull();
    }
  });

  it('refuses the rest, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['K'.repeat(101), /at most 100 characters \(is 101\)/],
      ['has space', /found " "/],
      ['a/b', /found "\/"/],
      ['ü', /found "ü"/],
      ['a:b', /found ":"/],
      ['a%2Fb', /found "%"/],
      ['nul\u0000', /found "\\u0000"/],
      ['.', /only dots/],
      ['..', /only dots/],
      ['....', /only dots/],
    ];
    for (const [key, why] of cases) {
      expect(isFlagKey(key), key).toBe(false);
      expect(flagKeyProblem(key), key).toMatch(why);
    }
  });

  it('agrees with flagKeyProblem on any string, and generators can use the pattern', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(FLAG_KEY_PATTERN)), (key) => {
        expect(isFlagKey(key)).toBe(flagKeyProblem(key) === null);
      }),
      { numRuns: 2000 },
    );
  });

  it('tests long hostile input in linear time (SDK usage reports are filtered with it)', () => {
    const started = performance.now();
    for (const text of ['.'.repeat(1_000_000) + '!', 'a'.repeat(1_000_000) + '!', '.a'.repeat(500_000) + ' ']) {
      expect(FLAG_KEY_PATTERN.test(text)).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(500);
  });
});
