import { hash, randomBytes } from 'node:crypto';

/** Every personal access token starts with this, so authenticators (and secret scanners) recognize it. */
export const PAT_PREFIX = 'sy_pat_';

/** A new secret: `sy_pat_<base64url of 32 random bytes>`. Shown once, never stored. */
export function generatePatSecret(): string {
  return `${PAT_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What the database stores instead of the secret: SHA-256, hex (per request: see `hashTokenSecret`). */
export function hashPatSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The part listings show: the prefix plus four random characters. */
export function patDisplayPrefix(secret: string): string {
  return secret.slice(0, PAT_PREFIX.length + 4);
}
