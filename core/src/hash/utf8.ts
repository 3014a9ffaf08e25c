/**
 * UTF-8 encoding into a "byte string" (one char per byte, each char code < 256): the input format
 * murmurhash-js expects, since it reads only the low byte of each UTF-16 code unit.
 */

/** True when every code unit is < 0x80, i.e. the string already is its own UTF-8 byte string. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

/**
 * Encodes `text` as UTF-8 and returns the bytes as a string of chars 0..255. Lone surrogates are
 * encoded as U+FFFD, exactly like `TextEncoder`, so every implementation hashes the same bytes.
 */
export function utf8ByteString(text: string): string {
  let out = '';
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out += text[i];
      continue;
    }
    if (code < 0x800) {
      out += String.fromCharCode(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        out += String.fromCharCode(
          0xf0 | (point >> 18),
          0x80 | ((point >> 12) & 0x3f),
          0x80 | ((point >> 6) & 0x3f),
          0x80 | (point & 0x3f),
        );
        i++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    out += String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return out;
}
