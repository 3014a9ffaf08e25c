import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { loadEnvironmentFlags } from './store.js';

let t: TestApp;

/** An admin API request: see TestApp.api. */
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

async function environmentId(project: string, environment: string): Promise<string> {
  const row = await t.db.prisma.environment.findFirstOrThrow({
    where: { key: environment, project: { key: project } },
  });
  return row.id;
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  for (const key of ['production', 'staging']) {
    expect((await api('POST', '/projects/shop/environments', { key, name: key })).status).toBe(201);
  }
});
afterAll(async () => t?.close());

describe('create', () => {
  it('creates a boolean flag with on/off variants and a disabled config in every environment', async () => {
    const response = await api('POST', '/projects/shop/flags', {
      key: 'new-checkout',
      name: 'New checkout',
      type: 'boolean',
      tags: ['checkout'],
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      key: 'new-checkout',
      type: 'boolean',
      variants: [
        { key: 'on', value: true },
        { key: 'off', value: false },
      ],
      tags: ['checkout'],
      clientSide: false,
      salt: null,
      archived: false,
    });
    const detail = await api('GET', '/projects/shop/flags/new-checkout');
    expect(detail.body.environments).toEqual([
      { environment: 'production', enabled: false, version: 1, killed: false },
      { environment: 'staging', enabled: false, version: 1, killed: false },
    ]);
    const config = await api('GET', '/projects/shop/flags/new-checkout/environments/production');
    expect(config.body).toMatchObject({
      enabled: false,
      offVariant: 'off',
      defaultServe: { variant: 'on' },
      rules: [],
    });
  });

  it('records an audit event and bumps the revision of every environment', async () => {
    const before = await t.db.prisma.environment.findMany({
      where: { project: { key: 'shop' } },
      orderBy: { key: 'asc' },
    });
    expect((await api('POST', '/projects/shop/flags', { key: 'audited', name: 'A', type: 'boolean' })).status).toBe(
      201,
    );
    const after = await t.db.prisma.environment.findMany({
      where: { project: { key: 'shop' } },
      orderBy: { key: 'asc' },
    });
    expect(after.map((e) => e.revision)).toEqual(before.map((e) => e.revision + 1));
    const events = await t.db.prisma.auditEvent.findMany({ where: { action: 'flag.created', targetKey: 'audited' } });
    expect(events).toHaveLength(1);
    const outbox = await t.db.prisma.changeOutbox.findMany({
      where: { revision: { in: after.map((e) => e.revision) } },
    });
    expect(outbox.map((row) => row.changed)).toContainEqual({ flags: ['audited'], segments: [] });
  });

  it('creates a string flag with explicit variants and a salt', async () => {
    const response = await api('POST', '/projects/shop/flags', {
      key: 'banner',
      name: 'Banner',
      type: 'string',
      variants: [
        { key: 'blue', value: 'blue' },
        { key: 'red', value: 'red' },
      ],
      salt: 'banner-v2',
      clientSide: true,
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ salt: 'banner-v2', clientSide: true });
    const config = await api('GET', '/projects/shop/flags/banner/environments/staging');
    expect(config.body).toMatchObject({ offVariant: 'blue', defaultServe: { variant: 'blue' } });
  });

  it('rejects bad bodies with 400 and the failing paths', async () => {
    const cases: [unknown, string][] = [
      [{ key: 'Bad Key', name: 'x', type: 'boolean' }, 'body.key'],
      [{ key: 'x', type: 'boolean' }, 'body.name'],
      [{ key: 'x', name: 'x', type: 'color' }, 'body.type'],
      [{ key: 'x', name: 'x', type: 'string' }, 'body.variants'],
      [{ key: 'x', name: 'x', type: 'number', variants: [{ key: 'a', value: 'nope' }] }, 'body.variants.0.value'],
      [
        {
          key: 'x',
          name: 'x',
          type: 'boolean',
          variants: [
            { key: 'a', value: true },
            { key: 'a', value: false },
          ],
        },
        'body.variants.1',
      ],
      [{ key: 'x', name: 'x', type: 'boolean', extra: 1 }, 'body'],
    ];
    for (const [payload, path] of cases) {
      const response = await api('POST', '/projects/shop/flags', payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(response.body.error).toBe('bad_request');
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    expect(await t.db.prisma.flag.count({ where: { key: 'x' } })).toBe(0);
  });

  it('answers 409 for a duplicate key and 404 for an unknown project', async () => {
    expect((await api('POST', '/projects/shop/flags', { key: 'banner', name: 'B', type: 'boolean' })).status).toBe(409);
    expect((await api('POST', '/projects/nope/flags', { key: 'y', name: 'Y', type: 'boolean' })).status).toBe(404);
  });

  it('needs an admin token', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/projects/shop/flags' });
    expect(response.statusCode).toBe(401);
  });
});

describe('get and list', () => {
  beforeAll(async () => {
    await api('POST', '/projects', { key: 'catalog', name: 'Catalog' });
    await api('POST', '/projects/catalog/environments', { key: 'dev', name: 'Dev' });
    for (let i = 0; i < 7; i++) {
      const tags = i % 2 === 0 ? ['even'] : ['odd'];
      const description = i === 3 ? 'The SEARCH ranking experiment' : '';
      await api('POST', '/projects/catalog/flags', {
        key: `f${i}`,
        name: `Flag ${i}`,
        type: 'boolean',
        tags,
        description,
      });
    }
    await api('POST', '/projects/catalog/flags/f6/archive');
  });

  it('gets one flag, 404 for an unknown one', async () => {
    expect((await api('GET', '/projects/catalog/flags/f1')).body).toMatchObject({ key: 'f1', name: 'Flag 1' });
    expect((await api('GET', '/projects/catalog/flags/zz')).status).toBe(404);
    expect((await api('GET', '/projects/zz/flags/f1')).status).toBe(404);
  });

  it('lists live flags by key, with filters', async () => {
    const keys = async (query: string) =>
      (await api('GET', `/projects/catalog/flags${query}`)).body.items.map((f: { key: string }) => f.key);
    expect(await keys('')).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(await keys('?archived=true')).toEqual(['f6']);
    expect(await keys('?tag=odd')).toEqual(['f1', 'f3', 'f5']);
    expect(await keys('?q=search')).toEqual(['f3']);
    expect(await keys('?q=flag%205')).toEqual(['f5']);
    expect(await keys('?tag=even&q=f2')).toEqual(['f2']);
    expect(await keys('?offset=4&limit=1')).toEqual(['f4']);
  });

  it('pages with cursors until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await api('GET', `/projects/catalog/flags?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((f: { key: string }) => f.key));
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(pages).toBe(3);
  });

  it('rejects bad list queries with 400', async () => {
    for (const query of [
      '?limit=0',
      '?limit=abc',
      '?archived=maybe',
      '?cursor=%%%',
      '?cursor=ZjE&offset=1',
      '?offset=-1',
    ]) {
      const response = await api('GET', `/projects/catalog/flags${query}`);
      expect(response.status, query).toBe(400);
    }
  });
});

describe('update', () => {
  beforeAll(async () => {
    await api('POST', '/projects/shop/flags', {
      key: 'theme',
      name: 'Theme',
      type: 'string',
      variants: [
        { key: 'light', value: 'light' },
        { key: 'dark', value: 'dark' },
        { key: 'sepia', value: 'sepia' },
      ],
    });
  });

  it('updates name, description, tags and clientSide', async () => {
    const response = await api('PATCH', '/projects/shop/flags/theme', {
      name: 'Colour theme',
      description: 'Which theme',
      tags: ['ui'],
      clientSide: true,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'Colour theme',
      description: 'Which theme',
      tags: ['ui'],
      clientSide: true,
    });
  });

  it('does not bump revisions for name-only changes but does for clientSide', async () => {
    const revisions = async () =>
      (await t.db.prisma.environment.findMany({ where: { project: { key: 'shop' } }, orderBy: { key: 'asc' } })).map(
        (e) => e.revision,
      );
    const start = await revisions();
    await api('PATCH', '/projects/shop/flags/theme', { name: 'Theme again' });
    expect(await revisions()).toEqual(start);
    await api('PATCH', '/projects/shop/flags/theme', { clientSide: false });
    expect(await revisions()).toEqual(start.map((r) => r + 1));
  });

  it('adds and removes unused variants', async () => {
    const response = await api('PATCH', '/projects/shop/flags/theme', {
      variants: [
        { key: 'light', value: 'light' },
        { key: 'dark', value: 'dark' },
        { key: 'contrast', value: 'contrast' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.variants.map((v: { key: string }) => v.key)).toEqual(['light', 'dark', 'contrast']);
  });

  it('refuses to remove a variant a configuration uses, naming where (409)', async () => {
    const config = await api('GET', '/projects/shop/flags/theme/environments/staging');
    const put = await api(
      'PUT',
      '/projects/shop/flags/theme/environments/staging',
      { ...config.body, rules: [{ id: 'r1', conditions: [], segments: [], serve: { variant: 'dark' } }] },
      { 'if-match': config.headers.etag },
    );
    expect(put.status).toBe(200);
    const response = await api('PATCH', '/projects/shop/flags/theme', { variants: [{ key: 'light', value: 'light' }] });
    expect(response.status).toBe(409);
    expect(response.body.message).toContain("'dark' (staging: rules[r1])");
    expect(response.body.details.uses).toContainEqual({ variant: 'dark', environment: 'staging', where: 'rules[r1]' });
    expect((await api('GET', '/projects/shop/flags/theme')).body.variants).toHaveLength(3);
  });

  it("refuses to remove a variant another flag's prerequisite lists (409)", async () => {
    await api('POST', '/projects/shop/flags', { key: 'child', name: 'Child', type: 'boolean' });
    const config = await api('GET', '/projects/shop/flags/child/environments/production');
    const put = await api(
      'PUT',
      '/projects/shop/flags/child/environments/production',
      { ...config.body, prerequisites: [{ flagKey: 'theme', variants: ['contrast'] }] },
      { 'if-match': config.headers.etag },
    );
    expect(put.status).toBe(200);
    const response = await api('PATCH', '/projects/shop/flags/theme', {
      variants: [
        { key: 'light', value: 'light' },
        { key: 'dark', value: 'dark' },
      ],
    });
    expect(response.status).toBe(409);
    expect(response.body.message).toContain("prerequisite of flag 'child'");
  });

  it('rejects invalid updates with 400 and 404 for unknown flags', async () => {
    expect((await api('PATCH', '/projects/shop/flags/theme', { variants: [{ key: 'n', value: 3 }] })).status).toBe(400);
    expect((await api('PATCH', '/projects/shop/flags/theme', { variants: [] })).status).toBe(400);
    expect((await api('PATCH', '/projects/shop/flags/theme', { type: 'number' })).status).toBe(400);
    expect((await api('PATCH', '/projects/shop/flags/theme', { name: '' })).status).toBe(400);
    expect((await api('PATCH', '/projects/shop/flags/nope', { name: 'x' })).status).toBe(404);
  });
});

describe('archive, unarchive, delete', () => {
  it('archives (leaving snapshots), unarchives, and deletes archived flags only', async () => {
    await api('POST', '/projects/shop/flags', { key: 'old', name: 'Old', type: 'boolean' });
    const production = await environmentId('shop', 'production');
    const keys = async () => (await loadEnvironmentFlags(t.db.prisma, production)).map((flag) => flag.key);
    expect(await keys()).toContain('old');

    expect((await api('DELETE', '/projects/shop/flags/old')).status).toBe(409);
    const archived = await api('POST', '/projects/shop/flags/old/archive');
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    expect(await keys()).not.toContain('old');
    expect((await api('POST', '/projects/shop/flags/old/archive')).status).toBe(409);

    expect((await api('POST', '/projects/shop/flags/old/unarchive')).body.archived).toBe(false);
    expect(await keys()).toContain('old');
    expect((await api('POST', '/projects/shop/flags/old/unarchive')).status).toBe(409);

    await api('POST', '/projects/shop/flags/old/archive');
    expect((await api('DELETE', '/projects/shop/flags/old')).status).toBe(204);
    expect((await api('GET', '/projects/shop/flags/old')).status).toBe(404);
    expect(await t.db.prisma.flagConfig.count({ where: { flag: { key: 'old' } } })).toBe(0);
    const actions = await t.db.prisma.auditEvent.findMany({ where: { targetKey: 'old' }, orderBy: { id: 'asc' } });
    expect(actions.map((event) => event.action)).toEqual([
      'flag.created',
      'flag.archived',
      'flag.unarchived',
      'flag.archived',
      'flag.deleted',
    ]);
  });

  it('refuses to archive a prerequisite of a live flag (409)', async () => {
    // "theme" is a prerequisite of "child" in production (see update tests).
    const response = await api('POST', '/projects/shop/flags/theme/archive');
    expect(response.status).toBe(409);
    expect(response.body.details.dependents).toEqual([{ flag: 'child', environment: 'production' }]);
  });

  it('404s for unknown flags', async () => {
    expect((await api('POST', '/projects/shop/flags/nope/archive')).status).toBe(404);
    expect((await api('POST', '/projects/shop/flags/nope/unarchive')).status).toBe(404);
    expect((await api('DELETE', '/projects/shop/flags/nope')).status).toBe(404);
  });
});

describe('loadEnvironmentFlags', () => {
  it('returns core flags joined with the environment config', async () => {
    const staging = await environmentId('shop', 'staging');
    const flags = await loadEnvironmentFlags(t.db.prisma, staging);
    const banner = flags.find((flag) => flag.key === 'banner');
    expect(banner).toEqual({
      key: 'banner',
      type: 'string',
      variants: [
        { key: 'blue', value: 'blue' },
        { key: 'red', value: 'red' },
      ],
      enabled: false,
      offVariant: 'blue',
      defaultServe: { variant: 'blue' },
      rules: [],
      prerequisites: [],
      version: 1,
      salt: 'banner-v2',
      clientSide: true,
    });
    expect(flags.map((flag) => flag.key)).toEqual([...flags.map((flag) => flag.key)].sort());
  });
});
