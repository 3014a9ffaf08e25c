import { z } from 'zod';

/** Longest address SMTP can deliver to (RFC 5321: 254 octets in a path). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * The one form an address is stored and compared in: trimmed, NFKC-normalized (full-width and
 * compatibility characters fold to their plain forms, so `ＡＤＡ@example.com` is `ada@example.com`)
 * and lower-cased. Lower-casing the local part too is a choice: no mail provider in practice
 * distinguishes `Ada@` from `ada@`, and two accounts that differ only by case are a trap.
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase();
}

/** An email address as the API takes it: normalized (`normalizeEmail`), then validated. */
export const emailSchema = z
  .string()
  .max(MAX_EMAIL_LENGTH * 4, `must be at most ${MAX_EMAIL_LENGTH} characters`)
  .transform(normalizeEmail)
  .pipe(z.email('must be an email address').max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`))
  .describe('Email address; compared after trimming, NFKC normalization and lower-casing');
