import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * Every audit event names its principal by kind and id, not only by a display name: a token's
 * name can be anything its creator typed, so it alone cannot say who made a change.
 */
let t: TestApp;
let alice: { id: string; headers: { authorization: string } };
let adminTokenId: string;

interface Principal {
  kind: string;
  id: string | null;
  display: string;
}
interface AuditItem {
  id: string;
  actor: string;
  principal: Principal;
  action: string;
  target: { type: string; key: string };
}

async function audit(query: Record<string, string> = {}): Promise<AuditItem[]> {
  const response = await t.api('GET', `/audit?${new URLSearchParams({ limit: '200', ...query })}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { items: AuditItem[] }).items;
}

/** The stored actor columns of every event, straight from the table. */
async function storedActors(): Promise<{ id: string; actor: string; actor_kind: string; actor_id: string | null }[]> {
  return t.db.prisma.$queryRaw`
    SELECT id::text AS id, actor, actor_kind::text AS actor_kind, actor_id FROM audit_events ORDER BY id DESC`;
}

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.api('POST', '/tokens', { name: 'alice', kind: 'admin' });
  expect(created.status).toBe(201);
  alice = { id: created.body.id, headers: { authorization: `Bearer ${created.body.secret as string}` } };
  const listed = await t.api('GET', '/tokens');
  adminTokenId = (listed.body.tokens as { id: string; name: string }[]).find(
    (token) => token.name === 'admin (generated)',
  )!.id;
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'Production' });
  await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' });
  // alice toggles (the single-statement write), kills (a transaction) and creates a segment.
  const base = '/projects/shop/flags/checkout';
  expect((await t.api('POST', `${base}/environments/production/on`, undefined, alice.headers)).status).toBe(200);
  expect((await t.api('POST', `${base}/kill`, { reason: 'incident' }, alice.headers)).status).toBe(200);
  const segment = { key: 'staff', name: 'Staff', conditions: [] };
  expect((await t.api('POST', '/projects/shop/segments', segment, alice.headers)).status).toBe(201);
});
afterAll(() => t?.close());

describe('audit attribution', () => {
  it("records a token's changes under its id and kind, on every write path", async () => {
    const byAlice = (await audit()).filter((item) => item.actor === 'alice');
    expect(byAlice.map((item) => item.action).sort()).toEqual([
      'flag_config.enabled',
      'flag_config.killed',
      'segment.created',
    ]);
    for (const item of byAlice) {
      expect(item.principal).toEqual({ kind: 'token', id: alice.id, display: 'alice' });
    }
    const stored = (await storedActors()).filter((row) => row.actor === 'alice');
    expect(stored).toHaveLength(3);
    for (const row of stored) expect(row).toMatchObject({ actor_kind: 'token', actor_id: alice.id });
  });

  it('records changes made through the admin token under that token', async () => {
    const created = (await audit({ action: 'project.created' }))[0]!;
    expect(created.principal).toEqual({ kind: 'token', id: adminTokenId, display: 'admin (generated)' });
  });

  it('records the bootstrap as the system, never as a token', async () => {
    const bootstrap = (await audit({ action: 'token.created' })).find((item) => item.target.key === adminTokenId)!;
    expect(bootstrap.principal).toEqual({ kind: 'system', id: 'bootstrap', display: 'system:bootstrap' });
    expect(bootstrap.actor).toBe('system:bootstrap');
  });

  it('filters by principal kind and id', async () => {
    const system = await audit({ actorKind: 'system' });
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((item) => item.principal.kind === 'system')).toBe(true);
    const byId = await audit({ actorId: alice.id });
    expect(byId.map((item) => item.principal.id)).toEqual([alice.id, alice.id, alice.id]);
    expect(await audit({ actorKind: 'token', actorId: 'system' })).toEqual([]);
    const wrongKind = await t.api('GET', '/audit?actorKind=robot');
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'querystring.actorKind',
    ]);
  });
});
