import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3Utf8, rolloutBucket, variantBucket } from '../src/index.js';
import { utf8ByteString } from '../src/hash/utf8.js';

/**
 * An independent MurmurHash3 x86_32 written from the reference algorithm with Math.imul over
 * Node's own UTF-8 encoding, to cross-check murmurhash-js plus our byte-string encoding.
 */
function referenceMurmur3(text: string, seed: number): number {
  const bytes = Buffer.from(text, 'utf8');
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length - (bytes.length % 4);
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes.readUInt32LE(i);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = bytes.length % 4;
  if (tail >= 3) k ^= bytes[blocks + 2]! << 16;
  if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
  if (tail >= 1) {
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('murmur3Utf8', () => {
  it.each([
    // Published MurmurHash3_x86_32 vectors (SMHasher / widely reproduced test suites).
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['abc', 0, 0xb3dd93fa],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ])('hashes %j with seed %i to the published value', (input, seed, expected) => {
    expect(murmur3Utf8(input, seed)).toBe(expected);
  });

  it('agrees with an independent implementation on arbitrary Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(murmur3Utf8(text, seed)).toBe(referenceMurmur3(text, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes a lone surrogate like TextEncoder (as U+FFFD)', () => {
    expect(murmur3Utf8('a\ud800b', 7)).toBe(murmur3Utf8('a\ufffdb', 7));
    expect(murmur3Utf8('\udc00', 7)).toBe(murmur3Utf8('\ufffd', 7));
  });
});

describe('utf8ByteString', () => {
  it('produces exactly the bytes of TextEncoder', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const expected = String.fromCharCode(...encoder.encode(text));
        expect(utf8ByteString(text)).toBe(expected);
      }),
    );
  });
});

describe('buckets', () => {
  it('computes the rollout bucket as (h mod 100) * 100 + floor(h / 100) mod 100 over "salt:unit"', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, unit) => {
        const h = referenceMurmur3(`${salt}:${unit}`, 0);
        expect(rolloutBucket(salt, unit)).toBe((h % 100) * 100 + (Math.floor(h / 100) % 100));
      }),
    );
  });

  it('computes the variant bucket as (h mod 1000) * 10 + floor(h / 1000) mod 10 with seed 86028157', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, unit) => {
        const h = referenceMurmur3(`${salt}:${unit}`, 86028157);
        expect(variantBucket(salt, unit)).toBe((h % 1000) * 10 + (Math.floor(h / 1000) % 10));
      }),
    );
  });

  it('matches known values (spec/hash.json)', () => {
    expect(rolloutBucket('flag', 'user-1')).toBe(139);
    expect(variantBucket('flag', 'user-1')).toBe(2004);
    expect(rolloutBucket('flag', 'user-2')).toBe(1055);
    expect(variantBucket('flag', 'user-2')).toBe(4413);
  });

  it('equals Unleash flexibleRollout for whole percentages: bucket < 100P iff h mod 100 + 1 <= P', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100 }), (unit, percent) => {
        const h = referenceMurmur3(`salt:${unit}`, 0);
        expect(rolloutBucket('salt', unit) < percent * 100).toBe((h % 100) + 1 <= percent);
      }),
    );
  });

  it('stays in [0, 10000) for hashes above 2^31', () => {
    // Find a unit whose hash has the top bit set, where `| 0` arithmetic would go negative.
    let unit = 0;
    while (referenceMurmur3(`s:${unit}`, 0) < 2 ** 31) unit++;
    const h = referenceMurmur3(`s:${unit}`, 0);
    expect(rolloutBucket('s', String(unit))).toBe((h % 100) * 100 + (Math.floor(h / 100) % 100));
  });
});
