import murmurhash3 from 'murmurhash-js/murmurhash3_gc.js';
import { isAscii, utf8ByteString } from './utf8.js';

/**
 * MurmurHash3 x86 32-bit of the UTF-8 bytes of `text`, as an unsigned 32-bit integer.
 * Pure-ASCII strings (the common case) are hashed as they are, without re-encoding.
 */
export function murmur3Utf8(text: string, seed: number): number {
  return murmurhash3(isAscii(text) ? text : utf8ByteString(text), seed);
}

/**
 * Whether `prefix` is ASCII, i.e. may take {@link murmur3Prefixed}'s shortcut. Computed once per
 * flag at compile time, so the hot path scans only the unit. (The browser build's hash module,
 * which always encodes, answers `false`: see sdk-browser/src/hash/murmur3.ts.)
 */
export const isAsciiPrefix: (prefix: string) => boolean = isAscii;

/**
 * MurmurHash3 of `prefix + unit` where `prefixAscii` is {@link isAsciiPrefix}`(prefix)`: only the
 * unit is scanned. Testing the concatenation instead costs ~60 ns more per call (the regex flattens
 * the concatenated string), a third of a rollout evaluation.
 */
export function murmur3Prefixed(prefix: string, prefixAscii: boolean, unit: string, seed: number): number {
  const text = prefix + unit;
  return murmurhash3(prefixAscii && isAscii(unit) ? text : utf8ByteString(text), seed);
}
