import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import { HttpError, tooManyRequests, type RetryLaterError } from '../../http/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { PasswordHasher } from '../users/password.js';
import { findUserForSignIn, type UserRow } from '../users/store.js';
import type { FailureCounter } from './failure-counter.js';

export interface PasswordSignInDeps {
  prisma: PrismaClient;
  hasher: PasswordHasher;
  counter: FailureCounter;
  /** Failures per account (email) per window before 429s. */
  accountLimit: number;
  /** Failures per client address per window before 429s. */
  ipLimit: number;
}

/** The one 401 of every failed sign-in, whatever failed: nothing tells a wrong password from an unknown email. */
export const SIGN_IN_FAILED = 'Wrong email or password';

/**
 * Checks an email and password. Unknown email, user without a password (SSO only), disabled user
 * and wrong password all give the same 401 after the same work (a scrypt verification, against a
 * dummy hash when there is no real one), so neither the answer nor its timing tells whether an
 * account exists. Failures count per account and per address (`FailureCounter`, shared by the
 * replicas through Redis); once either is over its limit, sign-ins are refused with 429 +
 * Retry-After *before* the password is looked at, so a correct guess gains nothing.
 */
export class PasswordSignIn {
  constructor(private readonly deps: PasswordSignInDeps) {}

  /** The user for a correct email (normalized) and password; throws 401 or `RetryLaterError`. */
  async verify(email: string, password: string, ip: string): Promise<UserRow> {
    const { counter, accountLimit, ipLimit } = this.deps;
    const accountKey = `account:${createHash('sha256').update(email).digest('hex')}`;
    // IPv6 per /64 (what one subscriber gets, like the other per-address limits): per address, one
    // host could take a fresh address for every guess.
    const ipKey = `ip:${normalizeIP(ip)}`;
    const [accountBlocked, ipBlocked] = await Promise.all([
      counter.blockedFor(accountKey, accountLimit),
      counter.blockedFor(ipKey, ipLimit),
    ]);
    if (accountBlocked > 0 || ipBlocked > 0) throw tooMany(Math.max(accountBlocked, ipBlocked));

    const user = await findUserForSignIn(this.deps.prisma, email);
    const { hasher } = this.deps;
    const ok =
      user?.passwordHash != null
        ? (await hasher.verify(password, user.passwordHash)) && user.disabledAt === null
        : await hasher.verifyDummy(password);
    if (!ok || !user) {
      const [accountNow, ipNow] = await Promise.all([
        counter.recordFailure(accountKey, accountLimit),
        counter.recordFailure(ipKey, ipLimit),
      ]);
      if (accountNow > 0 || ipNow > 0) throw tooMany(Math.max(accountNow, ipNow));
      throw new HttpError(401, SIGN_IN_FAILED);
    }
    if (hasher.needsRehash(user.passwordHash!)) {
      // Parameters were raised since this hash was made: upgrade it now that the password is known.
      await this.deps.prisma.user.update({
        where: { id: user.id },
        data: { passwordHash: await hasher.hash(password) },
        select: { id: true },
      });
    }
    const { passwordHash: _hash, ...row } = user;
    return row;
  }
}

function tooMany(ms: number): RetryLaterError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return tooManyRequests(seconds, 'Too many failed sign-ins');
}
