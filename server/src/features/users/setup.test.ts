import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { PasswordHasher } from './password.js';
import { createFirstOwner, ensureSetupToken, SETUP_TOKEN_TTL_MS } from './setup.js';

/** The real hasher, counting the hashes it makes (a spy: every call goes through). */
class CountingHasher extends PasswordHasher {
  hashes = 0;
  override async hash(password: string): Promise<string> {
    this.hashes++;
    return super.hash(password);
  }
}

let t: TestApp;
const hasher = new CountingHasher({ logN: 10, r: 8, p: 1 });
const deps = () => ({ prisma: t.db.prisma, notifier: t.app.changes, hasher });
const owner = (token: string, email = 'owner@example.com') => ({
  token,
  email,
  password: 'a long passphrase',
  displayName: 'Owner',
});

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function status(promise: Promise<unknown>): Promise<number> {
  return promise.then(
    () => 200,
    (error: { statusCode?: number }) => error.statusCode ?? 500,
  );
}

describe('first run: the set-up token', () => {
  it('is made at each start while no owner exists, stored hashed; only the newest works, and not after 24 h', async () => {
    const old = (await ensureSetupToken(deps()))!;
    const token = (await ensureSetupToken(deps()))!;
    expect(token).toMatch(/^sy_setup_[\w-]{43}$/);
    const rows = await t.db.prisma.setupToken.findMany();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await status(createFirstOwner(deps(), owner(old)))).toBe(401);
    const later = Date.now() + SETUP_TOKEN_TTL_MS + 1;
    expect(await status(createFirstOwner(deps(), owner(token), later))).toBe(401);
    expect(await t.db.prisma.user.count()).toBe(0);
  });

  it('creates the owner once: a second use is 410; then no more tokens', async () => {
    const token = (await ensureSetupToken(deps()))!;
    const user = await createFirstOwner(deps(), owner(token));
    expect(user).toMatchObject({ email: 'owner@example.com', instanceRole: 'owner' });
    expect(await status(createFirstOwner(deps(), owner(token, 'second@example.com')))).toBe(410);
    expect(await ensureSetupToken(deps())).toBeNull();
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'user.created', targetKey: user.id },
    });
    expect(audit).toMatchObject({ actorKind: 'user', actorId: user.id });
    expect(JSON.stringify({ ...audit, id: String(audit.id) })).not.toContain('a long passphrase');
    expect(await t.db.prisma.user.count()).toBe(1);
  });

  it('two concurrent uses of one token create one owner', async () => {
    await t.db.prisma.user.deleteMany();
    const token = (await ensureSetupToken(deps()))!;
    const results = await Promise.all([
      status(createFirstOwner(deps(), owner(token, 'racer-a@example.com'))),
      status(createFirstOwner(deps(), owner(token, 'racer-b@example.com'))),
    ]);
    expect(results.sort()).toEqual([200, 410]);
    expect(await t.db.prisma.user.count()).toBe(1);
  });

  it('refuses an unknown, expired or spent token before hashing the password (anonymous callers cost no scrypt)', async () => {
    // POST /setup is public and stays reachable after the first run: a scrypt per request (~100 ms
    // of CPU, 32 MB at the default cost) for anyone who asks.
    const token = (await ensureSetupToken(deps())) ?? 'sy_setup_none';
    const before = hasher.hashes;
    expect(await status(createFirstOwner(deps(), owner('sy_setup_guess')))).toBe(401);
    expect(await status(createFirstOwner(deps(), owner(token), Date.now() + SETUP_TOKEN_TTL_MS + 1))).toBe(401);
    // The owner of the race test exists: every token is refused now.
    expect(await status(createFirstOwner(deps(), owner(token, 'late@example.com')))).not.toBe(200);
    expect(hasher.hashes).toBe(before);
  });
});
