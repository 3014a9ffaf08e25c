import { createHash, randomBytes } from 'node:crypto';

/** Characters of a secret kept in clear, to tell triggers apart in listings (`sy_trigger_` + 4). */
const PREFIX_LENGTH = 15;

/** A new secret: `sy_trigger_<base64url of 32 random bytes>`. Shown once, never stored. */
export function generateTriggerSecret(): string {
  return `sy_trigger_${randomBytes(32).toString('base64url')}`;
}

/**
 * What the database stores and looks up: SHA-256, hex. The lookup is by this hash (a unique index),
 * so a wrong secret costs exactly what a right one does and reveals nothing about stored ones.
 */
export function hashTriggerSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function triggerSecretPrefix(secret: string): string {
  return secret.slice(0, PREFIX_LENGTH);
}
