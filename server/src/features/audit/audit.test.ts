import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
let aliceHeaders: { authorization: string };
let aliceId: string;

interface AuditItem {
  id: string;
  time: string;
  actor: string;
  principal: { kind: string; id: string | null; display: string };
  action: string;
  project: string | null;
  target: { type: string; key: string };
  environment: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}
interface AuditPage {
  items: AuditItem[];
  nextCursor: string | null;
}

/** An admin API request: see TestApp.api. */
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

async function audit(query: Record<string, string | number> = {}, path = '/audit'): Promise<AuditPage> {
  const search = new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
  );
  const response = await api('GET', `${path}?${search}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as AuditPage;
}

/** Every page of a query, following nextCursor. */
async function allPages(query: Record<string, string | number>, path?: string): Promise<AuditItem[][]> {
  const pages: AuditItem[][] = [];
  let cursor: string | null = null;
  do {
    const page = await audit({ ...query, ...(cursor === null ? {} : { cursor }) }, path);
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

const issuePaths = (body: { details: { issues: { path: string }[] } }) =>
  body.details.issues.map((issue) => issue.path);

/** Every audit row, newest first, straight from the table: what the API is checked against. */
async function rows(where: Parameters<TestApp['db']['prisma']['auditEvent']['findMany']>[0] = {}) {
  return t.db.prisma.auditEvent.findMany({ ...where, orderBy: { id: 'desc' } });
}
const ids = (items: { id: bigint | string }[]) => items.map((item) => String(item.id));

beforeAll(async () => {
  t = await createTestApp();
  const alice = await api('POST', '/tokens', { name: 'alice', kind: 'admin' });
  aliceHeaders = { authorization: `Bearer ${alice.body.secret as string}` };
  aliceId = alice.body.id as string;
  for (const project of ['shop', 'blog']) {
    expect((await api('POST', '/projects', { key: project, name: project })).status).toBe(201);
    await api('POST', `/projects/${project}/environments`, { key: 'production', name: 'Production' });
    await api('POST', `/projects/${project}/flags`, { key: 'checkout', name: 'Checkout', type: 'boolean' });
  }
  // alice turns checkout on in shop, kills it with a reason, and creates a segment.
  const on = await api('POST', '/projects/shop/flags/checkout/environments/production/on', undefined, aliceHeaders);
  expect(on.status).toBe(200);
  const kill = await api('POST', '/projects/shop/flags/checkout/kill', { reason: 'incident 42' }, aliceHeaders);
  expect(kill.status).toBe(200);
  const segment = { key: 'staff', name: 'Staff', conditions: [] };
  expect((await api('POST', '/projects/shop/segments', segment, aliceHeaders)).status).toBe(201);
  await api('POST', '/projects/shop/flags', { key: 'search', name: 'Search', type: 'boolean' });
  await api('PATCH', '/projects/shop/segments/staff', { name: 'Staff only' });
});
afterAll(async () => t?.close());

describe('GET /audit', () => {
  it('lists every event newest first, with ids as strings and the change itself', async () => {
    const page = await audit({ limit: 200 });
    const all = await rows();
    expect(ids(page.items)).toEqual(ids(all));
    expect(page.nextCursor).toBeNull();

    const killed = page.items.find((item) => item.action === 'flag_config.killed')!;
    expect(killed).toEqual({
      id: expect.stringMatching(/^\d+$/),
      time: expect.any(String),
      actor: 'alice',
      principal: { kind: 'token', id: aliceId, display: 'alice' },
      action: 'flag_config.killed',
      project: 'shop',
      target: { type: 'flag_config', key: 'checkout' },
      environment: 'production',
      before: expect.objectContaining({ enabled: true, killed: false }),
      after: expect.objectContaining({ enabled: false, killed: true, killReason: 'incident 42' }),
      reason: 'incident 42',
    });
    expect(new Date(killed.time).toISOString()).toBe(killed.time);
    const tokenCreated = page.items.find((item) => item.action === 'token.created')!;
    expect(tokenCreated.project).toBeNull();
  });

  it('records segment changes: created by alice, updated by the admin', async () => {
    const page = await audit({ project: 'shop', action: 'segment.updated' });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      actor: 'admin (generated)',
      target: { type: 'segment', key: 'staff' },
      environment: null,
      before: expect.objectContaining({ name: 'Staff', version: 1 }),
      after: expect.objectContaining({ name: 'Staff only', version: 2 }),
    });
    const created = await audit({ actor: 'alice', action: 'segment.created' });
    expect(created.items.map((item) => item.target)).toEqual([{ type: 'segment', key: 'staff' }]);
  });

  it('filters by project, flag, actor and action, combined with AND', async () => {
    const shop = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'shop' } });
    expect(ids((await audit({ project: 'shop', limit: 200 })).items)).toEqual(
      ids(await rows({ where: { projectId: shop.id } })),
    );

    const flag = await audit({ project: 'shop', flag: 'checkout', limit: 200 });
    expect(flag.items.length).toBeGreaterThanOrEqual(3);
    expect(new Set(flag.items.map((item) => item.target.type))).toEqual(new Set(['flag', 'flag_config']));
    expect(flag.items.every((item) => item.target.key === 'checkout' && item.project === 'shop')).toBe(true);
    // Without a project, the flag key matches in every project.
    expect(new Set((await audit({ flag: 'checkout', limit: 200 })).items.map((item) => item.project))).toEqual(
      new Set(['shop', 'blog']),
    );

    const byAlice = await audit({ actor: 'alice', limit: 200 });
    expect(ids(byAlice.items)).toEqual(ids(await rows({ where: { actor: 'alice' } })));
    expect(byAlice.items.map((item) => item.action).sort()).toEqual(
      ['flag_config.enabled', 'flag_config.killed', 'segment.created'].sort(),
    );
    expect((await audit({ actor: 'nobody' })).items).toEqual([]);

    const kills = await audit({ action: 'flag_config.killed', actor: 'alice', flag: 'checkout', project: 'shop' });
    expect(kills.items).toHaveLength(1);
    expect((await audit({ action: 'flag_config.killed', project: 'blog' })).items).toEqual([]);
  });

  it('filters by environment: only changes made in that environment', async () => {
    const production = await audit({ environment: 'production', limit: 200 });
    expect(ids(production.items)).toEqual(ids(await rows({ where: { environment: 'production' } })));
    expect(production.items.length).toBeGreaterThanOrEqual(2);
    expect(production.items.every((item) => item.environment === 'production')).toBe(true);
    const kill = await audit({ environment: 'production', action: 'flag_config.killed', project: 'shop' });
    expect(kill.items.map((item) => item.reason)).toEqual(['incident 42']);
    expect((await audit({ environment: 'staging' })).items).toEqual([]);
    expect((await api('GET', '/audit?environment=')).status).toBe(400);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const project = await t.db.prisma.project.create({ data: { key: 'timeline', name: 'Timeline' } });
    const times = ['2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z'];
    for (const [index, time] of times.entries()) {
      await t.db.prisma.auditEvent.create({
        data: {
          projectId: project.id,
          actor: 'clock',
          actorKind: 'system',
          actorId: 'clock',
          action: 'test.ticked',
          targetType: 'test',
          targetKey: `tick-${index}`,
          createdAt: new Date(time),
        },
      });
    }
    const keys = async (query: Record<string, string>) =>
      (await audit({ project: 'timeline', ...query })).items.map((item) => item.target.key);
    expect(await keys({})).toEqual(['tick-2', 'tick-1', 'tick-0']);
    expect(await keys({ from: times[1]! })).toEqual(['tick-2', 'tick-1']);
    expect(await keys({ to: times[1]! })).toEqual(['tick-0']);
    expect(await keys({ from: times[0]!, to: times[2]! })).toEqual(['tick-1', 'tick-0']);
    // Offsets are understood: 2024-01-02T01:00+01:00 is midnight UTC.
    expect(await keys({ from: '2024-01-02T01:00:00+01:00', to: '2024-01-02T00:00:00.001Z' })).toEqual(['tick-1']);
    // Recent events are not in an old range, and are in a range around now.
    expect((await audit({ actor: 'alice', to: times[2]! })).items).toEqual([]);
    const now = Date.now();
    const recent = await audit({
      actor: 'alice',
      from: new Date(now - 3_600_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
    });
    expect(recent.items).toHaveLength(3);
  });

  it('pages with a keyset cursor: every event exactly once, newest first', async () => {
    const all = ids(await rows());
    for (const limit of [1, 2, 5]) {
      const pages = await allPages({ limit });
      expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
      expect(pages.at(-1)!.length).toBeGreaterThan(0);
      expect(ids(pages.flat())).toEqual(all);
    }
    // Filters apply across pages.
    const byAlice = await allPages({ actor: 'alice', limit: 2 });
    expect(byAlice.map((page) => page.length)).toEqual([2, 1]);
    expect(ids(byAlice.flat())).toEqual(ids(await rows({ where: { actor: 'alice' } })));
  });

  it('defaults to 50 per page and refuses more than 200', async () => {
    const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'timeline' } });
    await t.db.prisma.auditEvent.createMany({
      data: Array.from({ length: 60 }, (_, index) => ({
        projectId: project.id,
        actor: 'bulk',
        actorKind: 'system' as const,
        actorId: 'bulk',
        action: 'test.bulk',
        targetType: 'test',
        targetKey: `bulk-${index}`,
      })),
    });
    const first = await audit({ actor: 'bulk' });
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toBe(first.items[49]!.id);
    expect((await audit({ actor: 'bulk', cursor: first.nextCursor! })).items).toHaveLength(10);
    expect((await audit({ actor: 'bulk', limit: 200 })).nextCursor).toBeNull();
  });

  it('answers 400 for bad filters, naming the parameter', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'querystring.limit'],
      ['limit=201', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['from=yesterday', 'querystring.from'],
      ['to=2024-13-01T00:00:00Z', 'querystring.to'],
      ['from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z', 'querystring.to'],
      ['cursor=abc', 'querystring.cursor'],
      ['cursor=0', 'querystring.cursor'],
      ['cursor=99999999999999999999', 'querystring.cursor'],
      ['cursor=9223372036854775808', 'querystring.cursor'],
      ['project=Not%20A%20Key', 'querystring.project'],
      ['flag=', 'querystring.flag'],
      ['actor=', 'querystring.actor'],
    ];
    for (const [query, path] of cases) {
      const response = await api('GET', `/audit?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error).toBe('bad_request');
      expect(issuePaths(response.body), query).toContain(path);
    }
    // The largest bigint is a fine cursor (everything is older).
    expect((await audit({ cursor: '9223372036854775807', limit: 1 })).items).toHaveLength(1);
  });

  it('answers 404 for an unknown project', async () => {
    const response = await api('GET', '/audit?project=ghost');
    expect(response.status).toBe(404);
    expect(response.body.message).toContain("'ghost'");
  });
});

describe('GET /projects/:project/audit', () => {
  it('is GET /audit?project=…, with the same filters and pages', async () => {
    expect(await audit({ limit: 200 }, '/projects/shop/audit')).toEqual(await audit({ project: 'shop', limit: 200 }));
    expect(await audit({ actor: 'alice' }, '/projects/shop/audit')).toEqual(
      await audit({ project: 'shop', actor: 'alice' }),
    );
    const pages = await allPages({ limit: 3 }, '/projects/shop/audit');
    expect(ids(pages.flat())).toEqual(ids((await audit({ project: 'shop', limit: 200 })).items));
    expect((await audit({ flag: 'checkout' }, '/projects/blog/audit')).items.every((i) => i.project === 'blog')).toBe(
      true,
    );
  });

  it('answers 404 for an unknown project and 400 for bad filters', async () => {
    expect((await api('GET', '/projects/ghost/audit')).status).toBe(404);
    const bad = await api('GET', '/projects/shop/audit?limit=500');
    expect(bad.status).toBe(400);
    expect(issuePaths(bad.body)).toEqual(['querystring.limit']);
  });
});
