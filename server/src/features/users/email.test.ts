import { describe, expect, it } from 'vitest';
import { emailSchema, normalizeEmail } from './email.js';

describe('emails', () => {
  it('are trimmed, NFKC-normalized and lower-cased', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    // Full-width letters and the full-width @ fold to ASCII.
    expect(normalizeEmail('ＡＤＡ＠ｅｘａｍｐｌｅ.com')).toBe('ada@example.com');
    // A composed and a decomposed é are one address.
    expect(normalizeEmail('Zoe\u0301@example.com')).toBe(normalizeEmail('zo\u00e9@example.com'));
  });

  it.each([
    '',
    'ada',
    'ada@',
    '@example.com',
    'ada@@example.com',
    'ada example@example.com',
    'ada@exa mple.com',
    `${'a'.repeat(250)}@example.com`,
    'ada@example.com\u0000',
  ])('refuses %j', (value) => {
    expect(emailSchema.safeParse(value).success).toBe(false);
  });

  it('accepts and normalizes valid addresses', () => {
    expect(emailSchema.parse(' Grace.Hopper+flags@Navy.MIL ')).toBe('grace.hopper+flags@navy.mil');
  });
});
