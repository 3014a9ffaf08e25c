/**
 * UTF-8 encoding into a "byte string" (one char per byte, each char code < 256): the input format
 * murmurhash-js expects, since it reads only the low byte of each UTF-16 code unit.
 */

// Global in browsers and Node; declared here because core compiles against the ES lib only.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };

let encoder: InstanceType<typeof TextEncoder> | undefined;

// eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * True when every code unit is < 0x80, i.e. the string already is its own UTF-8 byte string.
 * A regex test runs as native code and allocates nothing; it measured faster than a charCodeAt loop.
 */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** The UTF-8 bytes of `text` as a string of chars 0..255 (lone surrogates become U+FFFD, as in TextEncoder). */
export function utf8ByteString(text: string): string {
  let out = '';
  for (const byte of (encoder ??= new TextEncoder()).encode(text)) out += String.fromCharCode(byte);
  return out;
}
