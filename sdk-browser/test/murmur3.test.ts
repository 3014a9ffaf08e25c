import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as core from '../../core/src/hash/murmur3.js';
import * as browser from '../src/hash/murmur3.js';

// The browser build swaps core's hash module for this one (scripts/build.mjs): it must agree everywhere.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }), // lone surrogates included: both sides encode them as U+FFFD
  fc.constantFrom('', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é', '日本', '😀', 'u-42'),
);
const seed = fc.oneof(fc.constantFrom(0, 86028157, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));

describe('the browser build hash agrees with core', () => {
  it('murmur3Utf8, on random strings and seeds', () => {
    fc.assert(
      fc.property(text, seed, (key, s) => {
        expect(browser.murmur3Utf8(key, s)).toBe(core.murmur3Utf8(key, s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('murmur3Utf8, on every length up to 4 blocks plus each tail', () => {
    for (let length = 0; length <= 19; length++) {
      const key = 'switchyard:u-42-éx日本'.slice(0, length);
      expect(browser.murmur3Utf8(key, 0)).toBe(core.murmur3Utf8(key, 0));
    }
  });
});
