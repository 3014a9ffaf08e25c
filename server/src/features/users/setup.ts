import { createHash, randomBytes } from 'node:crypto';
import { actorOf } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { conflict, HttpError, unauthorized } from '../../http/errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { PasswordHasher } from './password.js';
import * as store from './store.js';
import type { UserRow } from './store.js';
import { userView } from './views.js';

/**
 * The set-up token of `input` when it may create the first owner now; otherwise throws why not:
 * unknown or expired 401, used 410, an owner exists or the email is taken 409.
 */
async function usableToken(tx: Prisma.TransactionClient, input: SetupInput, now: number) {
  const row = await tx.setupToken.findUnique({ where: { hash: hashSetupToken(input.token) } });
  if (!row) throw unauthorized('Unknown set-up token; restart the server for a new one');
  if (row.usedAt !== null) throw new HttpError(410, 'This set-up token was used already', undefined, 'gone');
  if (await store.enabledOwnerExists(tx)) throw conflict('An owner exists already; ask them for an account');
  if (row.expiresAt.getTime() <= now) throw unauthorized('This set-up token expired; restart the server for a new one');
  if (await store.findUserByEmail(tx, input.email)) {
    throw conflict('A user with this email exists', { fields: ['email'] });
  }
  return row;
}

/** How long a set-up token works. */
export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/** Arbitrary constant: the advisory lock that serializes set-up token writes across replicas. */
const SETUP_LOCK_KEY = 0x5357_0013;

const hashSetupToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * First run: while no enabled owner exists, makes a new one-time set-up token (the previous
 * unused ones stop working) and returns it, for the start-up banner to print as
 * `<publicUrl>/setup#token=…` (in the fragment, so it never reaches a server log). Only its hash
 * is stored; it expires after 24 h. Returns null when an owner exists. Replicas take turns.
 */
export async function ensureSetupToken(deps: ChangeDeps, now = Date.now()): Promise<string | null> {
  return deps.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`;
    if (await store.enabledOwnerExists(tx)) return null;
    await tx.setupToken.deleteMany({ where: { usedAt: null } });
    const token = `sy_setup_${randomBytes(32).toString('base64url')}`;
    await tx.setupToken.create({
      data: { hash: hashSetupToken(token), createdAt: new Date(now), expiresAt: new Date(now + SETUP_TOKEN_TTL_MS) },
    });
    return token;
  });
}

export interface SetupInput {
  token: string;
  email: string;
  password: string;
  displayName: string;
}

/**
 * Creates the first owner with a set-up token: once. A used token is 410, an unknown or expired
 * one 401, and once an owner exists every token is refused with 409. The creation is audited as
 * done by the new owner (there is nobody else).
 */
export async function createFirstOwner(
  deps: ChangeDeps & { hasher: PasswordHasher },
  input: SetupInput,
  now = Date.now(),
): Promise<UserRow> {
  // The route is public and stays reachable after the first run: refuse what would be refused
  // before paying for the hash (~100 ms of CPU and 32 MB per request, for anyone who asks).
  await usableToken(deps.prisma, input, now);
  // Before the transaction: hashing takes ~100 ms and needs no lock.
  const passwordHash = await deps.hasher.hash(input.password);
  return inChangeTransaction(deps, async (tx, record) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`;
    // Again under the lock: a concurrent use may have spent the token meanwhile.
    const row = await usableToken(tx, input, now);
    const user = await store.insertUser(tx, {
      email: input.email,
      displayName: input.displayName,
      passwordHash,
      instanceRole: 'owner',
    });
    await tx.setupToken.update({ where: { id: row.id }, data: { usedAt: new Date(now) } });
    const actor = actorOf({ kind: 'user', id: user.id, display: user.displayName });
    await record({
      actor,
      projectId: null,
      action: 'user.created',
      targetType: 'user',
      targetKey: user.id,
      after: userView(user),
      reason: 'first owner, created with the set-up token',
    });
    return user;
  });
}
