import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenKind } from '../../auth/principal.js';

export { TOKEN_KINDS, type TokenKind } from '../../auth/principal.js';

/** Characters of a secret kept in clear, to tell tokens apart in listings. */
export const TOKEN_PREFIX_LENGTH = 12;

/** A new secret: `sy_<kind>_<base64url of 32 random bytes>`. Shown once, never stored. */
export function generateTokenSecret(kind: TokenKind): string {
  return `sy_${kind}_${randomBytes(32).toString('base64url')}`;
}

/**
 * What the database stores instead of the secret: SHA-256, hex. Computed on every authenticated
 * request (the verified-token cache is keyed by it): the one-shot `hash` costs a quarter of
 * `createHash().update().digest()` (~2 against ~8 µs here).
 */
export function hashTokenSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/**
 * The part of a secret that listings show: its first 12 characters, which for a generated token
 * are `sy_<kind>_` plus a few random ones. Never more than a quarter of the secret, so a short
 * operator-chosen SWITCHYARD_ADMIN_TOKEN is not mostly given away.
 */
export function tokenPrefix(secret: string): string {
  return secret.slice(0, Math.min(TOKEN_PREFIX_LENGTH, Math.floor(secret.length / 4)));
}

/** Compares two hex hashes in constant time (for equal lengths; hashes always are). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
