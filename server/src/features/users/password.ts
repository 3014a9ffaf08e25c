import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

/** Shortest and longest password accepted, in characters (code points). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * A password as the API takes it. The upper bound keeps a multi-kilobyte "password" from costing
 * a hash (400, nothing written); it is counted in code points, so an emoji is one character.
 */
export const passwordSchema = z
  .string()
  .max(MAX_PASSWORD_LENGTH * 2, `must be at most ${MAX_PASSWORD_LENGTH} characters`)
  .refine((value) => [...value].length >= MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .refine((value) => [...value].length <= MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`)
  .describe(`${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);

/** scrypt's cost parameters: N = 2^logN (CPU and memory), r (block size), p (parallelism). */
export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

/**
 * Today's parameters: N = 2^15, r = 8, p = 1 is 32 MiB and ~50-100 ms per hash on one core.
 * They are written into every hash, so raising them later only affects new hashes, and
 * `needsRehash` tells which stored ones to upgrade at their next sign-in.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse stored parameters past these (a tampered row must not make sign-in allocate gigabytes). */
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.logN,
    r: params.r,
    p: params.p,
    // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is just below that at logN 15.
    maxmem: 256 * 2 ** params.logN * params.r,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Parses `scrypt$<logN>$<r>$<p>$<salt>$<key>` (base64url); null when it is not such a string. */
function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!valid(logN, MAX_LOG_N) || !valid(r, MAX_R) || !valid(p, MAX_P)) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length !== KEY_BYTES) return null;
  return { params: { logN, r, p }, salt, key };
}

/**
 * Hashes and verifies passwords with scrypt (memory-hard, from Node: no native dependency). The
 * password is NFC-normalized first, so the same password typed on two keyboards verifies.
 */
export class PasswordHasher {
  readonly params: ScryptParams;
  #dummy: Promise<string> | undefined;

  constructor(params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {
    this.params = params;
  }

  /** A new hash: `scrypt$<logN>$<r>$<p>$<salt>$<key>`. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.params);
    const { logN, r, p } = this.params;
    return `scrypt$${logN}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Whether `password` matches `stored` (constant-time comparison; false for a malformed hash). */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.params);
    return timingSafeEqual(key, parsed.key);
  }

  /**
   * Verifies against a hash of a random password with today's parameters: what sign-in does for
   * an unknown email or a user without a password, so it costs the same time as a wrong
   * password and the response cannot tell the two apart. Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(password, await this.warmUp());
    return false;
  }

  /**
   * Makes the dummy hash now (the sign-in routes call it when the server starts), so the first
   * unknown email is not the one sign-in that takes two hashes' time.
   */
  warmUp(): Promise<string> {
    this.#dummy ??= this.hash(randomBytes(16).toString('base64url'));
    return this.#dummy;
  }

  /** Whether `stored` was made with weaker parameters than today's (rehash at the next sign-in). */
  needsRehash(stored: string): boolean {
    const parsed = parseHash(stored);
    if (!parsed) return true;
    const { logN, r, p } = parsed.params;
    return logN < this.params.logN || r < this.params.r || p < this.params.p;
  }
}
