import murmurhash3 from 'murmurhash-js/murmurhash3_gc.js';
import { isAscii, utf8ByteString } from './utf8.js';

/**
 * MurmurHash3 x86 32-bit of the UTF-8 bytes of `text`, as an unsigned 32-bit integer.
 * Pure-ASCII strings (the common case) are hashed as they are, without re-encoding.
 */
export function murmur3Utf8(text: string, seed: number): number {
  return murmurhash3(isAscii(text) ? text : utf8ByteString(text), seed);
}
