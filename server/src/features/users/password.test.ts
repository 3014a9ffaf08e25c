import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, MAX_PASSWORD_LENGTH, PasswordHasher, passwordSchema } from './password.js';

const fast = new PasswordHasher({ logN: 10, r: 8, p: 1 });

describe('passwords', () => {
  it('hashes with scrypt, the parameters written into the hash, and verifies', async () => {
    const hash = await fast.hash('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await fast.verify('correct horse battery staple', hash)).toBe(true);
    expect(await fast.verify('correct horse battery stapler', hash)).toBe(false);
    expect(await fast.hash('correct horse battery staple')).not.toBe(hash); // salted
  });

  it('uses memory-hard defaults (N = 2^15, r = 8: 32 MiB)', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ logN: 15, r: 8, p: 1 });
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('a reasonable password');
    expect(hash.startsWith('scrypt$15$8$1$')).toBe(true);
    expect(await hasher.verify('a reasonable password', hash)).toBe(true);
  });

  it('verifies hashes made with other parameters, and says which to upgrade', async () => {
    const old = await fast.hash('raised parameters');
    const stronger = new PasswordHasher({ logN: 11, r: 8, p: 1 });
    expect(await stronger.verify('raised parameters', old)).toBe(true);
    expect(stronger.needsRehash(old)).toBe(true);
    expect(fast.needsRehash(old)).toBe(false);
  });

  it('treats malformed or tampered hashes as a mismatch, never as an error or a huge allocation', async () => {
    const hash = await fast.hash('password123');
    for (const bad of [
      '',
      'plain',
      hash.replace('$10$', '$40$'),
      hash.replace('$8$', '$0$'),
      `${hash}$x`,
      'scrypt$10$8$1$$',
    ]) {
      expect(await fast.verify('password123', bad)).toBe(false);
    }
  });

  it('normalizes to NFC, so the same password typed as composed or decomposed characters verifies', async () => {
    const hash = await fast.hash('caf\u00e9 au lait');
    expect(await fast.verify('cafe\u0301 au lait', hash)).toBe(true);
  });

  it('the dummy verification runs a real scrypt and always fails', async () => {
    const started = performance.now();
    expect(await new PasswordHasher().verifyDummy('anything at all')).toBe(false);
    // One hash for the dummy plus one verification: scrypt with 32 MiB takes well over a millisecond.
    expect(performance.now() - started).toBeGreaterThan(5);
  });

  it('accepts 8 to 1024 characters (code points), and refuses 10 KB', () => {
    expect(passwordSchema.safeParse('1234567').success).toBe(false);
    expect(passwordSchema.safeParse('12345678').success).toBe(true);
    expect(passwordSchema.safeParse('🔑'.repeat(MAX_PASSWORD_LENGTH)).success).toBe(true);
    expect(passwordSchema.safeParse('x'.repeat(MAX_PASSWORD_LENGTH + 1)).success).toBe(false);
    expect(passwordSchema.safeParse('x'.repeat(10 * 1024)).success).toBe(false);
  });
});
