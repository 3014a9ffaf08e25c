import { hash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The session cookie's name (read by the auth plugin). */
export { SESSION_COOKIE } from '../../auth/plugin.js';

/** A new session secret: 32 random bytes, base64url (what the cookie holds; never stored). */
export function generateSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores instead of the secret: SHA-256, hex (per request: see `hashTokenSecret`). */
export function hashSessionSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/**
 * The session's CSRF token, derived from its secret (HMAC-SHA256 with the secret as the key), so
 * nothing extra is stored and only a holder of the cookie's value can compute it. A cross-site
 * page can make the browser send the cookie but cannot read it, so it cannot send this token.
 */
export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('switchyard csrf v1').digest('base64url');
}

/** Compares two strings in constant time for equal lengths (a presented token with an expected one). */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The shape of a secret this server made (anything else is not looked up). */
export function isWellFormedSessionSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
