import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { testActor } from '../../../test/helpers/actor.js';
import { PasswordHasher } from '../users/password.js';
import { UsersService } from '../users/service.js';
import { csrfTokenFor, generateSessionSecret, hashSessionSecret } from './session-secret.js';
import { Sessions } from './sessions.js';

const HOUR = 3_600_000;
let t: TestApp;
let users: UsersService;
const owner = { actor: testActor('owner-token'), instanceRole: 'owner' as const };

beforeAll(async () => {
  t = await createTestApp();
  users = new UsersService({
    prisma: t.db.prisma,
    notifier: t.app.changes,
    hasher: new PasswordHasher({ logN: 10, r: 8, p: 1 }),
  });
});
afterAll(async () => t?.close());

function sessionsAt(clock: { now: number }) {
  return new Sessions({
    prisma: t.db.prisma,
    notifier: t.app.changes,
    idleTimeoutMs: 12 * HOUR,
    maxAgeMs: 7 * 24 * HOUR,
    now: () => clock.now,
  });
}

async function newUser(email: string) {
  return users.create(owner, { email, displayName: email.split('@')[0]!, instanceRole: null });
}

describe('sessions', () => {
  it('store only the hash of the secret and authenticate its holder, with a CSRF token derived from it', async () => {
    const user = await newUser('session-1@example.com');
    const clock = { now: Date.now() };
    const sessions = sessionsAt(clock);
    const opened = await sessions.open(user.id, { method: 'password' });
    const row = await t.db.prisma.userSession.findUniqueOrThrow({ where: { id: opened.id } });
    expect(row.hash).toBe(hashSessionSecret(opened.secret));
    expect(JSON.stringify(row)).not.toContain(opened.secret);
    expect(opened.csrfToken).toBe(csrfTokenFor(opened.secret));
    const principal = await sessions.authenticate({ type: 'session', secret: opened.secret });
    expect(principal).toMatchObject({
      kind: 'user',
      id: user.id,
      via: 'session',
      sessionId: opened.id,
      csrfToken: opened.csrfToken,
    });
    // Bearer credentials are somebody else's business.
    expect(await sessions.authenticate({ type: 'bearer', secret: opened.secret })).toBeNull();
  });

  it('refuse forged, malformed and unknown secrets', async () => {
    const sessions = sessionsAt({ now: Date.now() });
    for (const secret of [generateSessionSecret(), '', 'x', 'a'.repeat(10_000), `${generateSessionSecret()}\u0000`]) {
      expect(await sessions.authenticate({ type: 'session', secret })).toBeNull();
    }
  });

  it('a new id and secret at every sign-in', async () => {
    const user = await newUser('session-2@example.com');
    const sessions = sessionsAt({ now: Date.now() });
    const first = await sessions.open(user.id, { method: 'password' });
    const second = await sessions.open(user.id, { method: 'password' });
    expect(second.id).not.toBe(first.id);
    expect(second.secret).not.toBe(first.secret);
  });

  it('end after the idle timeout, unless used; and at the absolute expiry however active', async () => {
    const user = await newUser('session-3@example.com');
    const clock = { now: Date.now() };
    const sessions = sessionsAt(clock);
    const idle = await sessions.open(user.id, { method: 'password' });
    const active = await sessions.open(user.id, { method: 'password' });
    const credential = (secret: string) => ({ type: 'session', secret }) as const;
    // Use `active` every 6 hours: it outlives the 12 h idle timeout; `idle` does not.
    for (let hours = 6; hours <= 24; hours += 6) {
      clock.now += 6 * HOUR;
      expect(await sessions.authenticate(credential(active.secret))).not.toBeNull();
      await sessions.flush();
    }
    expect(await sessions.authenticate(credential(idle.secret))).toBeNull();
    // Keep using it until the 7 days are up.
    while (clock.now + 6 * HOUR < active.expiresAt.getTime()) {
      clock.now += 6 * HOUR;
      expect(await sessions.authenticate(credential(active.secret))).not.toBeNull();
      await sessions.flush();
    }
    clock.now = active.expiresAt.getTime();
    expect(await sessions.authenticate(credential(active.secret))).toBeNull();
  });

  it('sign-out ends one session: replaying its cookie is refused', async () => {
    const user = await newUser('session-4@example.com');
    const sessions = sessionsAt({ now: Date.now() });
    const kept = await sessions.open(user.id, { method: 'password' });
    const ended = await sessions.open(user.id, { method: 'password' });
    const principal = (await sessions.authenticate({ type: 'session', secret: ended.secret }))!;
    await sessions.revoke(principal, ended.id);
    expect(await sessions.authenticate({ type: 'session', secret: ended.secret })).toBeNull();
    expect(await sessions.authenticate({ type: 'session', secret: kept.secret })).not.toBeNull();
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'session.revoked', targetKey: ended.id },
    });
    expect(audit).toMatchObject({ actorKind: 'user', actorId: user.id });
  });

  it('sign-out everywhere and disabling a user end every session, on every replica at once (no cache)', async () => {
    const user = await newUser('session-5@example.com');
    // Two replicas: two Sessions over the same database.
    const replicaA = sessionsAt({ now: Date.now() });
    const replicaB = sessionsAt({ now: Date.now() });
    const one = await replicaA.open(user.id, { method: 'password' });
    const two = await replicaB.open(user.id, { method: 'password' });
    for (const replica of [replicaA, replicaB]) {
      expect(await replica.authenticate({ type: 'session', secret: one.secret })).not.toBeNull();
    }
    expect(await replicaA.revokeAllOf(testActor('admin'), user.id)).toBe(2);
    for (const replica of [replicaA, replicaB]) {
      for (const { secret } of [one, two]) expect(await replica.authenticate({ type: 'session', secret })).toBeNull();
    }
    const three = await replicaA.open(user.id, { method: 'password' });
    expect(await replicaB.authenticate({ type: 'session', secret: three.secret })).not.toBeNull();
    await users.update(owner, user.id, { disabled: true });
    expect(await replicaB.authenticate({ type: 'session', secret: three.secret })).toBeNull();
    // Enabling again does not bring the old session back.
    await users.update(owner, user.id, { disabled: false });
    expect(await replicaB.authenticate({ type: 'session', secret: three.secret })).toBeNull();
    expect(await replicaA.listActiveOf(user.id)).toEqual([]);
  });
});
