import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { testActor } from '../../../test/helpers/actor.js';
import { PasswordHasher } from '../users/password.js';
import { UsersService } from '../users/service.js';
import {
  MemoryFailureCounter,
  RedisFailureCounter,
  SIGN_IN_FAILURES_REDIS_PREFIX,
  type FailureCounter,
} from './failure-counter.js';
import { RetryLaterError } from '../../http/errors.js';
import { PasswordSignIn, SIGN_IN_FAILED } from './password-sign-in.js';

const REDIS_URL = process.env['SWITCHYARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The real hasher, counting the scrypt runs it does (a spy, not a mock: every call goes through). */
class CountingHasher extends PasswordHasher {
  verifications = 0;
  override async verify(password: string, stored: string): Promise<boolean> {
    this.verifications++;
    return super.verify(password, stored);
  }
}

let t: TestApp;
let users: UsersService;
let redis: Redis;
const hasher = new CountingHasher({ logN: 12, r: 8, p: 1 });
const owner = { actor: testActor('owner-token'), instanceRole: 'owner' as const };

beforeAll(async () => {
  t = await createTestApp();
  users = new UsersService({ prisma: t.db.prisma, notifier: t.app.changes, hasher });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await users.create(owner, {
    email: 'ada@example.com',
    displayName: 'Ada',
    password: 'correct horse',
    instanceRole: null,
  });
  await users.create(owner, { email: 'sso@example.com', displayName: 'SSO only', instanceRole: null });
});
afterAll(async () => {
  // This file's keys (the account keys are hashes; all of them expire with their 60 s window anyway).
  const keys = await redis.keys(`${SIGN_IN_FAILURES_REDIS_PREFIX}ip:test-*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.close();
});

function signIn(
  counter: FailureCounter = new MemoryFailureCounter(60_000),
  limits = { accountLimit: 100, ipLimit: 100 },
) {
  return new PasswordSignIn({ prisma: t.db.prisma, hasher, counter, ...limits });
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string; retry?: number }> {
  const error = (await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (caught: unknown) => caught,
  )) as { statusCode: number; message: string };
  return {
    status: error.statusCode,
    message: error.message,
    ...(error instanceof RetryLaterError ? { retry: error.retryAfterSeconds } : {}),
  };
}

describe('password sign-in', () => {
  it('signs in with the right password', async () => {
    const user = await signIn().verify('ada@example.com', 'correct horse', '10.0.0.1');
    expect(user).toMatchObject({ email: 'ada@example.com', displayName: 'Ada' });
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('unknown email, wrong password, SSO-only and disabled users: the same 401, each after one scrypt verification', async () => {
    const disabled = await users.create(owner, {
      email: 'gone@example.com',
      displayName: 'Gone',
      password: 'correct horse',
      instanceRole: null,
    });
    await users.update(owner, disabled.id, { disabled: true });
    const service = signIn();
    const answers = [];
    for (const [email, password] of [
      ['nobody@example.com', 'correct horse'],
      ['ada@example.com', 'wrong horse'],
      ['sso@example.com', 'correct horse'],
      ['gone@example.com', 'correct horse'],
    ] as const) {
      const before = hasher.verifications;
      answers.push(await failure(service.verify(email, password, '10.0.0.2')));
      // The unknown email verified against the dummy hash: the same work as a wrong password.
      expect(hasher.verifications - before).toBe(1);
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ status: 401, message: SIGN_IN_FAILED })]),
    );
  });

  it('takes about as long for an unknown email as for a wrong password (medians, loosely)', async () => {
    const service = signIn();
    const median = async (email: string) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        await failure(service.verify(email, 'wrong horse', '10.0.0.3'));
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[3]!;
    };
    const unknown = await median('nobody@example.com');
    const wrong = await median('ada@example.com');
    // Loose on purpose (a shared machine): the same order of magnitude, not a timing assertion.
    expect(unknown / wrong).toBeGreaterThan(0.2);
    expect(unknown / wrong).toBeLessThan(5);
  });

  it('limits failures per account: 429 + Retry-After, even for the right password, on every replica (Redis)', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}-`;
    // Two replicas: two counters on one Redis. Keys get a per-test prefix via the address and email.
    const replicaA = signIn(new RedisFailureCounter(redis, 60_000), { accountLimit: 3, ipLimit: 1000 });
    const replicaB = signIn(new RedisFailureCounter(redis, 60_000), { accountLimit: 3, ipLimit: 1000 });
    const email = `${prefix}victim@example.com`;
    await users.create(owner, { email, displayName: 'Victim', password: 'correct horse', instanceRole: null });
    expect((await failure(replicaA.verify(email, 'guess 1', `${prefix}a`))).status).toBe(401);
    expect((await failure(replicaB.verify(email, 'guess 2', `${prefix}b`))).status).toBe(401);
    const third = await failure(replicaA.verify(email, 'guess 3', `${prefix}c`));
    expect(third.status).toBe(429);
    expect(third.retry).toBeGreaterThan(0);
    const before = hasher.verifications;
    const right = await failure(replicaB.verify(email, 'correct horse', `${prefix}d`));
    expect(right).toMatchObject({ status: 429 });
    expect(hasher.verifications).toBe(before); // refused before the password was looked at
    // Other accounts are not affected.
    await expect(replicaB.verify('ada@example.com', 'correct horse', `${prefix}d`)).resolves.toBeTruthy();
  });

  it('limits failures per address, whatever the accounts', async () => {
    const service = signIn(new MemoryFailureCounter(60_000), { accountLimit: 1000, ipLimit: 3 });
    const ip = '192.0.2.7';
    expect((await failure(service.verify('a@example.com', 'guess one', ip))).status).toBe(401);
    expect((await failure(service.verify('b@example.com', 'guess one', ip))).status).toBe(401);
    expect((await failure(service.verify('c@example.com', 'guess one', ip))).status).toBe(429);
    expect((await failure(service.verify('ada@example.com', 'correct horse', ip))).status).toBe(429);
    await expect(service.verify('ada@example.com', 'correct horse', '192.0.2.8')).resolves.toBeTruthy();
  });

  it('counts an IPv6 client per /64 (what one subscriber gets), as the other per-address limits do', async () => {
    const service = signIn(new MemoryFailureCounter(60_000), { accountLimit: 1000, ipLimit: 3 });
    // One attacker, a fresh address of its /64 for each guess.
    for (const ip of ['2001:db8:7:7::1', '2001:db8:7:7:ffff:ffff:ffff:ffff']) {
      expect((await failure(service.verify('a@example.com', 'guess', ip))).status).toBe(401);
    }
    expect((await failure(service.verify('b@example.com', 'guess', '2001:db8:7:7:1234::9'))).status).toBe(429);
    expect((await failure(service.verify('ada@example.com', 'correct horse', '2001:db8:7:7::abcd'))).status).toBe(429);
    // The next /64 is someone else.
    await expect(service.verify('ada@example.com', 'correct horse', '2001:db8:7:8::1')).resolves.toBeTruthy();
  });

  it('upgrades a hash made with weaker parameters at sign-in', async () => {
    const weak = new PasswordHasher({ logN: 10, r: 8, p: 1 });
    const user = await users.create(owner, { email: 'old@example.com', displayName: 'Old', instanceRole: null });
    await t.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: await weak.hash('old password') } });
    await signIn().verify('old@example.com', 'old password', '10.0.0.9');
    const { passwordHash } = await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(passwordHash?.startsWith('scrypt$12$')).toBe(true);
    await expect(signIn().verify('old@example.com', 'old password', '10.0.0.9')).resolves.toBeTruthy();
  });
});
