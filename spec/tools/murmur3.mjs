/**
 * Reference MurmurHash3 x86_32 and Switchyard's two bucket functions, written from Austin Appleby's
 * C reference (MurmurHash3.cpp) over the UTF-8 bytes of a string. It shares no code with the
 * evaluator in core/src nor with murmurhash-js: the vector generators use it so that the expected
 * values in spec/*.json are computed independently of the implementation they test.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const rotl32 = (x, r) => ((x << r) | (x >>> (32 - r))) >>> 0;

function fmix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixK1(k1) {
  k1 = Math.imul(k1, C1);
  k1 = rotl32(k1, 15);
  return Math.imul(k1, C2);
}

/** MurmurHash3_x86_32 of `bytes` with `seed`, as an unsigned 32-bit integer. */
export function murmur3Bytes(bytes, seed) {
  const len = bytes.length;
  const nblocks = len >>> 2;
  let h1 = seed >>> 0;
  for (let i = 0; i < nblocks; i++) {
    const o = i * 4;
    const k1 = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
    h1 ^= mixK1(k1);
    h1 = rotl32(h1, 13);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) >>> 0;
  }
  const tail = nblocks * 4;
  let k1 = 0;
  switch (len & 3) {
    case 3:
      k1 ^= bytes[tail + 2] << 16;
    // falls through
    case 2:
      k1 ^= bytes[tail + 1] << 8;
    // falls through
    case 1:
      k1 ^= bytes[tail];
      h1 ^= mixK1(k1);
  }
  h1 ^= len;
  return fmix32(h1);
}

/** MurmurHash3_x86_32 over the UTF-8 encoding of `text`. */
export const murmur3Utf8 = (text, seed) => murmur3Bytes(Buffer.from(text, 'utf8'), seed);

/** spec/README.md "Rollout bucket": seed 0, `(h mod 100) * 100 + floor(h / 100) mod 100`. */
export function rolloutBucket(salt, unit) {
  const h = murmur3Utf8(`${salt}:${unit}`, 0);
  return (h % 100) * 100 + (Math.floor(h / 100) % 100);
}

/** spec/README.md "Variant bucket": seed 86028157, `(h mod 1000) * 10 + floor(h / 1000) mod 10`. */
export function variantBucket(salt, unit) {
  const h = murmur3Utf8(`${salt}:${unit}`, 86028157);
  return (h % 1000) * 10 + (Math.floor(h / 1000) % 10);
}
