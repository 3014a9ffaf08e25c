import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { testActor } from '../../../test/helpers/actor.js';
import type { UserPrincipal } from '../../auth/principal.js';
import { PasswordHasher } from '../users/password.js';
import { UsersService } from '../users/service.js';
import { hashPatSecret } from './pat-secret.js';
import { PersonalTokens } from './service.js';

let t: TestApp;
let users: UsersService;
let projectId: string;
const owner = { actor: testActor('owner-token'), instanceRole: 'owner' as const };
const clock = { now: Date.now() };

beforeAll(async () => {
  t = await createTestApp();
  users = new UsersService({
    prisma: t.db.prisma,
    notifier: t.app.changes,
    hasher: new PasswordHasher({ logN: 10, r: 8, p: 1 }),
  });
  for (const key of ['alpha', 'beta']) expect((await t.api('POST', '/projects', { key, name: key })).status).toBe(201);
  projectId = (await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'alpha' } })).id;
});
afterAll(async () => t?.close());

const replica = () => new PersonalTokens({ prisma: t.db.prisma, notifier: t.app.changes, now: () => clock.now });

async function sessionUser(email: string, role: 'editor' | 'viewer' = 'editor'): Promise<UserPrincipal> {
  const user = await users.create(owner, { email, displayName: email, instanceRole: null });
  await users.putMember(testActor('admin'), 'alpha', user.id, role);
  await users.putMember(testActor('admin'), 'beta', user.id, 'viewer');
  return { kind: 'user', id: user.id, display: email, via: 'session', instanceRole: null, grants: [] };
}

describe('personal access tokens', () => {
  it('are shown once, stored hashed, and act as their user', async () => {
    const user = await sessionUser('pat-1@example.com');
    const created = await replica().create(user, { name: 'laptop CLI' });
    expect(created.secret).toMatch(/^sy_pat_[\w-]{43}$/);
    const row = await t.db.prisma.personalToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(hashPatSecret(created.secret));
    expect(JSON.stringify(await replica().list(user.id))).not.toContain(created.secret);
    const principal = await replica().authenticate({ type: 'bearer', secret: created.secret });
    expect(principal).toMatchObject({ kind: 'user', id: user.id, via: 'pat', tokenId: created.id, instanceRole: null });
    expect(principal?.grants).toHaveLength(2);
    // Not a session credential, not an API token, not a forged one.
    expect(await replica().authenticate({ type: 'session', secret: created.secret })).toBeNull();
    expect(await replica().authenticate({ type: 'bearer', secret: 'sy_admin_whatever' })).toBeNull();
    expect(await replica().authenticate({ type: 'bearer', secret: `${created.secret}x` })).toBeNull();
  });

  it("never exceed the user's current rights: capped, and following role changes at once", async () => {
    const user = await sessionUser('pat-2@example.com');
    const capped = await replica().create(user, { name: 'alpha, responder', project: 'alpha', role: 'responder' });
    const secret = { type: 'bearer', secret: capped.secret } as const;
    expect((await replica().authenticate(secret))?.grants).toEqual([{ projectId, role: 'responder' }]);
    await users.putMember(testActor('admin'), 'alpha', user.id, 'viewer');
    expect((await replica().authenticate(secret))?.grants).toEqual([{ projectId, role: 'viewer' }]);
    await users.removeMember(testActor('admin'), 'alpha', user.id);
    expect((await replica().authenticate(secret))?.grants).toEqual([]);
  });

  it('stop at once when revoked, expired, or their user disabled (two replicas, no cache)', async () => {
    const user = await sessionUser('pat-3@example.com');
    const [a, b] = [replica(), replica()];
    const revoked = await a.create(user, { name: 'revoked' });
    const expiring = await a.create(user, { name: 'expiring', expiresAt: new Date(clock.now + 60_000).toISOString() });
    const kept = await a.create(user, { name: 'kept' });
    for (const { secret } of [revoked, expiring, kept])
      expect(await b.authenticate({ type: 'bearer', secret })).not.toBeNull();
    await a.revoke(user, user.id, revoked.id);
    expect(await b.authenticate({ type: 'bearer', secret: revoked.secret })).toBeNull();
    clock.now += 60_000;
    expect(await b.authenticate({ type: 'bearer', secret: expiring.secret })).toBeNull();
    await users.update(owner, user.id, { disabled: true });
    expect(await b.authenticate({ type: 'bearer', secret: kept.secret })).toBeNull();
    const actions = (
      await t.db.prisma.auditEvent.findMany({ where: { actorId: user.id }, select: { action: true } })
    ).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['personal_token.created', 'personal_token.revoked']));
  });

  it('are created from sessions only, and only their owner revokes them', async () => {
    const user = await sessionUser('pat-4@example.com');
    const other = await sessionUser('pat-5@example.com');
    const created = await replica().create(user, { name: 'mine' });
    await expect(replica().create({ ...user, via: 'pat' }, { name: 'minted by a token' })).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(replica().revoke(other, other.id, created.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      replica().create(user, { name: 'past', expiresAt: new Date(clock.now - 1).toISOString() }),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(replica().create(user, { name: 'nowhere', project: 'missing' })).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
