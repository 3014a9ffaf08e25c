import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { testActor } from '../../../test/helpers/actor.js';
import { PasswordHasher } from './password.js';
import { UsersService } from './service.js';

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

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { statusCode?: number }) => String(error.statusCode ?? error),
  );

describe('the last owner, under concurrency', () => {
  it('two owners demoting and disabling each other at once: one change wins, an owner is left', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await users.create(owner, { email: `a${round}@example.com`, displayName: 'A', instanceRole: 'owner' });
      const b = await users.create(owner, { email: `b${round}@example.com`, displayName: 'B', instanceRole: 'owner' });
      const results = await Promise.all([
        outcome(users.update(owner, a.id, { instanceRole: 'admin' })),
        outcome(users.update(owner, b.id, { disabled: true })),
      ]);
      expect(results.sort()).toEqual(['409', 'ok']);
      const left = await t.db.prisma.user.count({ where: { instanceRole: 'owner', disabledAt: null } });
      expect(left).toBe(1);
      // Clean up for the next round: the one left is demoted once another owner exists.
      await t.db.prisma.user.deleteMany();
    }
  });

  it('two creations of one address at once: one user, one 409', async () => {
    const create = () =>
      outcome(users.create(owner, { email: 'Same@Example.com', displayName: 'Same', instanceRole: null }));
    expect((await Promise.all([create(), create()])).sort()).toEqual(['409', 'ok']);
    expect(await t.db.prisma.user.count({ where: { email: 'same@example.com' } })).toBe(1);
  });

  it('only owners manage owners', async () => {
    const admin = { actor: testActor('instance-admin'), instanceRole: 'admin' as const };
    const target = await users.create(owner, { email: 'o@example.com', displayName: 'O', instanceRole: 'owner' });
    await expect(users.update(admin, target.id, { displayName: 'Renamed' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(
      users.create(admin, { email: 'new-owner@example.com', displayName: 'N', instanceRole: 'owner' }),
    ).rejects.toMatchObject({ statusCode: 403 });
    const plain = await users.create(admin, { email: 'plain@example.com', displayName: 'P', instanceRole: null });
    await expect(users.update(admin, plain.id, { instanceRole: 'owner' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(users.update(admin, plain.id, { instanceRole: 'admin' })).resolves.toMatchObject({
      instanceRole: 'admin',
    });
  });
});
