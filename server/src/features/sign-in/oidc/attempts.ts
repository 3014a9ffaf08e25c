import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../../generated/prisma/client.js';
import type { SignInChecks } from './provider.js';

/** How long a person has between leaving for the provider and coming back. */
export const ATTEMPT_TTL_MS = 10 * 60_000;

/** A sign-in under way, as the callback finds it. */
export interface Attempt extends SignInChecks {
  returnTo: string;
}

/**
 * Sign-ins under way, in Postgres (any replica may receive the callback). Keyed by the SHA-256 of
 * the state, which the browser keeps in an HttpOnly cookie: the callback must present both, so a
 * callback URL replayed or sent to another browser (login CSRF) finds nothing. `take` deletes the
 * row it returns, so each attempt is used at most once.
 */
export class Attempts {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a new attempt (and drops expired ones, so abandoned sign-ins do not pile up). */
  async save(checks: SignInChecks, returnTo: string): Promise<void> {
    const now = new Date(this.now());
    await this.prisma.$transaction([
      this.prisma.oidcSignInAttempt.deleteMany({ where: { expiresAt: { lte: now } } }),
      this.prisma.oidcSignInAttempt.create({
        data: {
          stateHash: hashState(checks.state),
          nonce: checks.nonce,
          codeVerifier: checks.codeVerifier,
          returnTo,
          createdAt: now,
          expiresAt: new Date(now.getTime() + ATTEMPT_TTL_MS),
        },
      }),
    ]);
  }

  /** The attempt of `state`, deleted as it is read; null when unknown, used or expired. */
  async take(state: string): Promise<Attempt | null> {
    const rows = await this.prisma.$queryRaw<
      { nonce: string; code_verifier: string; return_to: string; expires_at: Date }[]
    >`
      DELETE FROM oidc_sign_in_attempts WHERE state_hash = ${hashState(state)}
      RETURNING nonce, code_verifier, return_to, expires_at`;
    const row = rows[0];
    if (!row || row.expires_at.getTime() <= this.now()) return null;
    return { state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
  }
}

function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}
