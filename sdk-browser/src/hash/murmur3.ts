/**
 * The browser build's stand-in for core's `hash/murmur3.js` (see scripts/build.mjs): the same
 * function with the same results — MurmurHash3 x86 32-bit of the UTF-8 bytes — in fewer bytes.
 * Core hashes ASCII strings without re-encoding them and calls murmurhash-js, which spells every
 * 32-bit multiply as two 16-bit halves for engines without `Math.imul`; here every input goes
 * through `TextEncoder` (one small allocation per hashed evaluation) and `Math.imul` does the
 * multiplies: ~0.25 kB gzipped less, in a bundle whose budget is 5 kB. Agreement with core is
 * tested on random strings (test/murmur3.test.ts) and by every rollout/split vector of spec/ run
 * against the built bundle.
 */

let encoder: TextEncoder | undefined;

/** MurmurHash3 x86 32-bit of the UTF-8 bytes of `text`, as an unsigned 32-bit integer. */
export function murmur3Utf8(text: string, seed: number): number {
  const key = (encoder ??= new TextEncoder()).encode(text);
  const mix = (k: number) => Math.imul(((k = Math.imul(k, 0xcc9e2d51)) << 15) | (k >>> 17), 0x1b873593);
  let h = seed;
  // Bytes gather, little-endian, into 32-bit blocks; each full block is mixed into h as it
  // completes, and the 0–3 tail bytes at the end (no tail: mix(0) is 0, so h is unchanged).
  let block = 0;
  for (let i = 0; i < key.length;) {
    block |= key[i]! << (8 * (i & 3));
    if (!(++i & 3)) {
      h ^= mix(block);
      h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
      block = 0;
    }
  }
  h ^= mix(block) ^ key.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The browser hashes every input through `TextEncoder`: no prefix takes core's ASCII shortcut. */
export const isAsciiPrefix = (): boolean => false;

/** MurmurHash3 of `prefix + unit` as UTF-8 (core's signature; the ASCII hint is not needed here). */
export const murmur3Prefixed = (prefix: string, prefixAscii: boolean, unit: string, seed: number): number =>
  murmur3Utf8(prefix + unit, seed);
