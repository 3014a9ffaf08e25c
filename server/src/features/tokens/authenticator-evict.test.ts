import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TokenAuthenticator } from './authenticator.js';

/**
 * `evict` (a revocation announced by another replica): the evicted tokens' next verification asks
 * the database, other cached tokens stay cached, and a lookup that was running when the eviction
 * came does not put the token back into the cache.
 */
describe('TokenAuthenticator.evict', () => {
  let t: TestApp;
  const tokens: Record<'a' | 'b' | 'c', { id: string; secret: string }> = {} as never;

  beforeAll(async () => {
    t = await createTestApp();
    const create = async (project: string | undefined, name: string) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: t.adminHeaders,
        payload: project ? { name, kind: 'client', project, environment: 'prod' } : { name, kind: 'admin' },
      });
      return response.json<{ id: string; secret: string }>();
    };
    for (const project of ['shop', 'blog']) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: t.adminHeaders,
        payload: { key: project, name: project },
      });
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/projects/${project}/environments`,
        headers: t.adminHeaders,
        payload: { key: 'prod', name: 'prod' },
      });
    }
    tokens.a = await create('shop', 'a');
    tokens.b = await create('blog', 'b');
    tokens.c = await create(undefined, 'c');
  });
  afterAll(() => t?.close());

  /** Marks a token revoked in the database only, as another replica's revocation would. */
  const revokeInDatabase = (id: string) =>
    t.db.prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });

  it('forgets the given tokens and the tokens of the given environments, and nothing else', async () => {
    const authenticator = new TokenAuthenticator(t.db.prisma, { cacheTtlMs: 60_000 });
    for (const token of Object.values(tokens))
      expect(await authenticator.authenticate({ type: 'bearer', secret: token.secret })).not.toBeNull();
    const shop = await t.db.prisma.environment.findFirstOrThrow({ where: { project: { key: 'shop' } } });
    for (const token of Object.values(tokens)) await revokeInDatabase(token.id);

    authenticator.evict({ environmentIds: [shop.id] });
    expect(await authenticator.authenticate({ type: 'bearer', secret: tokens.a.secret })).toBeNull();
    expect(await authenticator.authenticate({ type: 'bearer', secret: tokens.b.secret })).not.toBeNull(); // still cached
    authenticator.evict({ tokenIds: [tokens.b.id] });
    expect(await authenticator.authenticate({ type: 'bearer', secret: tokens.b.secret })).toBeNull();
    expect(await authenticator.authenticate({ type: 'bearer', secret: tokens.c.secret })).not.toBeNull(); // still cached
    await authenticator.flush();
  });

  it('does not cache what a lookup read before an eviction', async () => {
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: t.adminHeaders,
      payload: { name: 'd', kind: 'client', project: 'shop', environment: 'prod' },
    });
    const token = fresh.json<{ id: string; secret: string }>();
    const authenticator = new TokenAuthenticator(t.db.prisma, { cacheTtlMs: 60_000 });
    const running = authenticator.authenticate({ type: 'bearer', secret: token.secret }); // reads the row, not yet revoked
    authenticator.evict({ tokenIds: [token.id] }); // the revocation arrives meanwhile
    expect(await running).not.toBeNull();
    await revokeInDatabase(token.id);
    expect(await authenticator.authenticate({ type: 'bearer', secret: token.secret })).toBeNull();
    await authenticator.flush();
  });
});
