import fc from 'fast-check';
import murmurhash3 from 'murmurhash-js/murmurhash3_gc.js';
import { expect, it } from 'vitest';
import murmur3 from '../src/hash/murmur3-imul.js';

// The browser build swaps murmurhash-js for this port (scripts/build.mjs): it must agree everywhere.
const byteString = fc
  .array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 })
  .map((bytes) => String.fromCharCode(...bytes));
const seed = fc.oneof(fc.constantFrom(0, 86028157, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));

it('agrees with murmurhash-js on random byte strings and seeds', () => {
  fc.assert(
    fc.property(fc.oneof(byteString, fc.string()), seed, (key, s) => {
      expect(murmur3(key, s)).toBe(murmurhash3(key, s));
    }),
    { numRuns: 20_000 },
  );
});

it('agrees with murmurhash-js on every length up to 4 blocks plus each tail', () => {
  for (let length = 0; length <= 19; length++) {
    const key = 'switchyard:u-42-\u00ff\u0080x'.slice(0, length);
    expect(murmur3(key, 0)).toBe(murmurhash3(key, 0));
  }
});
