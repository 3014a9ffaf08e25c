import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFlag, createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * The flag list's one-query pages (list-page.ts): keyset pages that neither repeat nor skip a flag
 * at their boundaries, the archived filter, the total, and per-environment states equal to what
 * the per-flag configuration endpoint says.
 */
let t: TestApp;
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

interface ListedFlag {
  key: string;
  environments?: {
    environment: string;
    enabled: boolean;
    killed: boolean;
    version: number;
    rules: number;
    rolloutPercents: number[];
  }[];
}
interface Page {
  items: ListedFlag[];
  nextCursor: string | null;
  total: number;
}

/** 250 copies plus the template: 251 live flags in `big`. */
const COPIES = 250;

beforeAll(async () => {
  t = await createTestApp();
  for (const project of ['big', 'small']) {
    expect((await api('POST', '/projects', { key: project, name: project })).status).toBe(201);
    for (const key of ['production', 'staging']) {
      expect((await api('POST', `/projects/${project}/environments`, { key, name: key })).status).toBe(201);
    }
  }
  expect((await api('POST', '/projects/big/flags', { key: 'template', name: 'T', type: 'boolean' })).status).toBe(201);
  await copyFlag(t.db.prisma, 'template', COPIES);
  // `small`: a killed flag, one with rollouts, a plain one, two archived, and texts with LIKE wildcards.
  const flags = [
    { key: 'alpha', description: '100% on' },
    { key: 'beta', description: 'under_score' },
    { key: 'gamma', description: 'plain' },
    { key: 'old-1', description: 'gone' },
    { key: 'old-2', description: 'gone' },
  ];
  for (const flag of flags) {
    expect((await api('POST', '/projects/small/flags', { ...flag, name: flag.key, type: 'boolean' })).status).toBe(201);
  }
  for (const key of ['old-1', 'old-2'])
    expect((await api('POST', `/projects/small/flags/${key}/archive`)).status).toBe(200);
  expect((await api('POST', '/projects/small/flags/alpha/environments/staging/kill', { reason: 'x' })).status).toBe(
    200,
  );
  const path = '/projects/small/flags/beta/environments/production';
  const current = await api('GET', path);
  const put = await api(
    'PUT',
    path,
    {
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'off' },
      rules: [
        { id: 'a', conditions: [], segments: [], rollout: { percent: 33.33 }, serve: { variant: 'on' } },
        { id: 'b', conditions: [], segments: [], serve: { variant: 'on' } },
        { id: 'c', conditions: [], segments: [], rollout: { percent: 0.01 }, serve: { variant: 'on' } },
      ],
    },
    { 'if-match': current.headers.etag as string },
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 60_000);
afterAll(async () => t?.close());

/** Every page of `query`, following nextCursor. */
async function allPages(project: string, query: string): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const response = await api('GET', `/projects/${project}/flags?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages.push(response.body as Page);
    cursor = response.body.nextCursor;
  } while (cursor && pages.length < 1000);
  return pages;
}

describe('GET /projects/:project/flags pages', () => {
  it('gives every flag once, in key order, whatever the page size (boundaries included)', async () => {
    const expected: string[] = [];
    for (let i = 1; i <= COPIES; i++) expected.push(`flag-${String(i).padStart(5, '0')}`);
    expected.push('template');
    // 251 flags: pages that end exactly on the last flag (251, 1), one short of it (250) and odd sizes.
    for (const limit of [1, 7, 50, 250, 251, 252, 1000]) {
      const pages = await allPages('big', `limit=${limit}`);
      expect(
        pages.flatMap((page) => page.items.map((item) => item.key)),
        `limit ${limit}`,
      ).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(expected.length / limit));
      for (const page of pages) expect(page.total).toBe(expected.length);
      expect(pages.at(-1)!.nextCursor).toBeNull();
    }
  });

  it('keeps cursor pages consistent while flags are added before and after the cursor', async () => {
    const first = (await api('GET', '/projects/small/flags?limit=2')).body as Page;
    expect(first.items.map((item) => item.key)).toEqual(['alpha', 'beta']);
    // A flag sorted before the cursor does not shift the next page (an offset page would repeat 'beta').
    expect((await api('POST', '/projects/small/flags', { key: 'aardvark', name: 'a', type: 'boolean' })).status).toBe(
      201,
    );
    const next = (await api('GET', `/projects/small/flags?limit=2&cursor=${first.nextCursor}`)).body as Page;
    expect(next.items.map((item) => item.key)).toEqual(['gamma']);
    expect(next.total).toBe(4);
    expect((await api('POST', '/projects/small/flags/aardvark/archive')).status).toBe(200);
    expect((await api('DELETE', '/projects/small/flags/aardvark')).status).toBe(204);
  });

  it('lists archived flags only with archived=true, and counts them apart', async () => {
    const live = await allPages('small', 'limit=1&include=environments');
    expect(live.flatMap((page) => page.items.map((item) => item.key))).not.toContain('old-1');
    const archived = await allPages('small', 'archived=true&limit=1&include=environments');
    expect(archived.flatMap((page) => page.items.map((item) => item.key))).toEqual(['old-1', 'old-2']);
    expect(archived.map((page) => page.total)).toEqual([2, 2]);
    expect(archived[0]!.items[0]!.environments).toHaveLength(2);
  });

  it('matches q literally (LIKE wildcards in the text are not wildcards) and filters by tag', async () => {
    const keys = async (query: string) =>
      ((await api('GET', `/projects/small/flags?${query}`)).body as Page).items.map((item) => item.key);
    expect(await keys('q=100%25')).toEqual(['alpha']);
    expect(await keys('q=n_e')).toEqual([]);
    expect(await keys('q=UNDER_')).toEqual(['beta']);
    expect(await keys('tag=none')).toEqual([]);
    expect(((await api('GET', '/projects/small/flags?q=zzz')).body as Page).total).toBe(0);
    for (const hostile of ['%00', '%5C', '%25%5F', 'a%27%3B--']) {
      const response = await api('GET', `/projects/small/flags?q=${hostile}&tag=${hostile}`);
      expect(response.status, hostile).toBeLessThan(500);
    }
  });

  it("gives each environment's state exactly as the per-flag configuration endpoint does", async () => {
    const items = (await allPages('small', 'limit=2&include=environments')).flatMap((page) => page.items);
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const item of items) {
      const expected = [];
      for (const environment of ['production', 'staging']) {
        const config = await api('GET', `/projects/small/flags/${item.key}/environments/${environment}`);
        expect(config.status).toBe(200);
        const rules = config.body.rules as { rollout?: { percent: number } }[];
        expect(rules.length).toBe(config.body.rules.length);
        expected.push({
          environment,
          enabled: config.body.enabled,
          killed: config.body.killed,
          version: config.body.version,
          rules: rules.length,
          rolloutPercents: rules.flatMap((rule) => (rule.rollout ? [rule.rollout.percent] : [])),
        });
      }
      expect(item.environments, item.key).toEqual(expected);
    }
    const beta = items.find((item) => item.key === 'beta')!;
    expect(beta.environments![0]!.rolloutPercents).toEqual([33.33, 0.01]);
    expect(items.find((item) => item.key === 'alpha')!.environments![1]!.killed).toBe(true);
  });

  it('refuses a made-up cursor that decodes to a NUL with a 400 (it reached the query: a 500)', async () => {
    for (const text of ['\u0000', 'a\u0000b']) {
      const cursor = Buffer.from(text, 'utf8').toString('base64url');
      const response = await api('GET', `/projects/small/flags?cursor=${cursor}`);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.details.issues[0].path).toBe('querystring.cursor');
    }
  });

  it('gives no page past the end and an empty project a zero total', async () => {
    expect((await api('POST', '/projects', { key: 'empty', name: 'empty' })).status).toBe(201);
    const page = (await api('GET', '/projects/empty/flags?include=environments')).body as Page;
    expect(page).toEqual({ items: [], nextCursor: null, total: 0 });
    const past = (await api('GET', '/projects/small/flags?offset=50')).body as Page;
    expect(past.items).toEqual([]);
    expect(past.total).toBe(3);
  });

  it('compresses a large page as Accept-Encoding asks (br preferred), to the same JSON', async () => {
    const url = '/api/v1/projects/big/flags?include=environments&limit=200';
    const get = (acceptEncoding: string) =>
      t.app.inject({ method: 'GET', url, headers: { ...t.adminHeaders, 'accept-encoding': acceptEncoding } });
    const plain = await get('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('accept-encoding');
    const gzip = await get('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    const br = await get('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length * 10).toBeLessThan(plain.rawPayload.length);
    // A small answer is not worth it.
    const small = await t.app.inject({
      method: 'GET',
      url: '/api/v1/projects/small/flags',
      headers: { ...t.adminHeaders, 'accept-encoding': 'br' },
    });
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});
