/**
 * MurmurHash3 x86 32-bit of a byte string (one char per byte), written with `Math.imul`: the same
 * contract and results as murmurhash-js's `murmurhash3_32_gc`, which core uses. The browser build
 * substitutes this for murmurhash-js (scripts/build.mjs) because murmurhash-js spells every 32-bit
 * multiply as two 16-bit halves for engines without `Math.imul`, which costs ~0.2 kB gzipped of a
 * 5 kB budget. Agreement is tested on random inputs (test/murmur3-imul.test.ts) and by every
 * rollout/split vector of spec/ run against the built bundle.
 */
export default function murmur3(key: string, seed: number): number {
  const mix = (k: number) => Math.imul(((k = Math.imul(k, 0xcc9e2d51)) << 15) | (k >>> 17), 0x1b873593);
  const byte = (at: number) => key.charCodeAt(at) & 255;
  const tail = key.length & 3;
  const end = key.length - tail;
  let h = seed;
  let i = 0;
  while (i < end) {
    h ^= mix(byte(i++) | (byte(i++) << 8) | (byte(i++) << 16) | (byte(i++) << 24));
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  if (tail) h ^= mix(byte(i) | (tail > 1 ? byte(i + 1) << 8 : 0) | (tail > 2 ? byte(i + 2) << 16 : 0));
  h ^= key.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
