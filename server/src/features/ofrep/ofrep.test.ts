import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/*
 * OFREP through the real app (Postgres, the replica's snapshot cache): answers, authentication,
 * the client view, bad input (never a 500, always OFREP's error body) and the bulk ETag.
 */
let t: TestApp;
const tokens: Record<'server' | 'client' | 'admin', string> = { server: '', client: '', admin: '' };

const CONFIG = '/projects/shop/flags/banner/environments/prod';

async function createToken(kind: 'server' | 'client'): Promise<string> {
  const answer = await t.api('POST', '/tokens', { name: kind, kind, project: 'shop', environment: 'prod' });
  expect(answer.status).toBe(201);
  return answer.body.secret as string;
}

interface Call {
  token?: 'server' | 'client' | 'admin' | null;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
}

async function ofrep(path: string, { token = 'server', headers = {}, body = {}, raw }: Call = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/ofrep/v1${path}`,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${tokens[token]}` } : {}),
      ...headers,
    },
    payload: raw ?? JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    text: response.body,
    body: response.body ? response.json() : undefined,
    headers: response.headers,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'prod', name: 'Production' })).status).toBe(201);
  const flags = [
    { key: 'banner', name: 'Banner', type: 'boolean', clientSide: true },
    { key: 'secret-pricing', name: 'Secret pricing', type: 'boolean' },
  ];
  for (const flag of flags) expect((await t.api('POST', '/projects/shop/flags', flag)).status).toBe(201);
  const current = await t.api('GET', CONFIG);
  const rule = {
    id: 'norway',
    conditions: [{ attribute: 'country', operator: 'in', values: ['NO'] }],
    segments: [],
    serve: { variant: 'on' },
  };
  const config = {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [rule],
    prerequisites: [],
  };
  expect((await t.api('PUT', CONFIG, config, { 'if-match': String(current.headers.etag) })).status).toBe(200);
  expect((await t.api('POST', '/projects/shop/flags/secret-pricing/environments/prod/on', {})).status).toBe(200);
  tokens.server = await createToken('server');
  tokens.client = await createToken('client');
  tokens.admin = t.adminToken;
});
afterAll(async () => t?.close());

describe('single flag evaluation', () => {
  it('answers value, variant, reason and the matching rule', async () => {
    const answer = await ofrep('/evaluate/flags/banner', { body: { context: { targetingKey: 'u-1', country: 'NO' } } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.body).toStrictEqual({
      key: 'banner',
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      metadata: { ruleId: 'norway' },
    });
    const other = await ofrep('/evaluate/flags/banner', { body: { context: { country: 'SE' } } });
    expect(other.body).toStrictEqual({ key: 'banner', value: false, variant: 'off', reason: 'DEFAULT' });
  });

  it('takes the token as X-API-Key too', async () => {
    const answer = await ofrep('/evaluate/flags/banner', { token: null, headers: { 'x-api-key': tokens.client } });
    expect(answer.status).toBe(200);
    expect(answer.body.value).toBe(false);
  });

  it("takes a bare token in Authorization (as the OFREP providers' examples send it)", async () => {
    const answer = await ofrep('/evaluate/flags/banner', { token: null, headers: { authorization: tokens.server } });
    expect(answer.status).toBe(200);
    const wrong = await ofrep('/evaluate/flags/banner', { token: null, headers: { authorization: 'sy_server_nope' } });
    expect(wrong.status).toBe(401);
  });

  it('an unknown flag is 404 FLAG_NOT_FOUND', async () => {
    const answer = await ofrep('/evaluate/flags/nope');
    expect(answer.status).toBe(404);
    expect(answer.body).toStrictEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'flag "nope" not found',
    });
  });

  it('a server token sees server-only flags', async () => {
    const answer = await ofrep('/evaluate/flags/secret-pricing');
    expect(answer.body).toMatchObject({ key: 'secret-pricing', value: true, reason: 'STATIC' });
  });

  it('a client token gets the same answer for a server-only flag as for a missing one, byte for byte but the key', async () => {
    const hidden = await ofrep('/evaluate/flags/secret-pricing', { token: 'client' });
    const missing = await ofrep('/evaluate/flags/no-such-flag', { token: 'client' });
    expect(hidden.status).toBe(404);
    expect(hidden.status).toBe(missing.status);
    expect(hidden.text.replaceAll('secret-pricing', 'KEY')).toBe(missing.text.replaceAll('no-such-flag', 'KEY'));
    const headersOf = (answer: typeof hidden) => {
      const { date: _date, 'content-length': _length, ...rest } = answer.headers;
      return rest;
    };
    expect(headersOf(hidden)).toStrictEqual(headersOf(missing));
  });
});

describe('bad input: 4xx with an OFREP error body, never a 500', () => {
  const single = '/evaluate/flags/banner';
  it.each([
    ['malformed JSON', { raw: '{"context": {' }],
    ['a context that is a list', { body: { context: ['NO'] } }],
    ['a context that is a string', { body: { context: 'u-1' } }],
    ['a nested attribute', { body: { context: { user: { id: 'u-1' } } } }],
    ['a list of numbers', { body: { context: { ids: [1, 2] } } }],
    ['a numeric targetingKey', { body: { context: { targetingKey: 42 } } }],
    ['a body that is a list', { body: [1] }],
    ['a __proto__ key', { raw: '{"context": {"__proto__": {"admin": true}}}' }],
    ['a context over 64 KiB', { body: { context: { blob: 'x'.repeat(70 * 1024) } } }],
    [
      'a context with 100,000 attributes',
      { body: { context: Object.fromEntries(Array.from({ length: 1e5 }, (_, i) => [`a${i}`, i])) } },
    ],
    ['a NUL in an attribute', { raw: '{"context": {"country": "N\\u0000O"}}' }],
    ['a text/plain body', { raw: 'country=NO', headers: { 'content-type': 'text/plain' } }],
  ] as const)('%s → 400 INVALID_CONTEXT (single and bulk)', async (_name, call) => {
    const answer = await ofrep(single, call as Call);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toStrictEqual({
      key: 'banner',
      errorCode: 'INVALID_CONTEXT',
      errorDetails: expect.any(String),
    });
    const bulk = await ofrep('/evaluate/flags', call as Call);
    expect(bulk.status, bulk.text).toBe(400);
    expect(bulk.body).toStrictEqual({ errorCode: 'INVALID_CONTEXT', errorDetails: expect.any(String) });
  });

  it('an empty body is an empty context', async () => {
    const answer = await ofrep(single, { raw: '' });
    expect(answer.status, answer.text).toBe(200);
  });

  it.each([
    ['no token', { token: null }, 401],
    ['an unknown token', { token: null, headers: { authorization: 'Bearer sy_server_nope' } }, 401],
    ['a malformed Authorization header', { token: null, headers: { authorization: 'Basic abc' } }, 401],
    ['an admin token', { token: 'admin' }, 403],
  ] as const)('%s → %s with an OFREP error body', async (_name, call, status) => {
    for (const path of [single, '/evaluate/flags']) {
      const answer = await ofrep(path, call as Call);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ errorCode: 'GENERAL', errorDetails: expect.any(String) });
      expect(answer.body.error).toBeUndefined();
    }
  });

  it('an unknown OFREP path is a 404 in the OFREP shape', async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/ofrep/v1/nothing-here' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ errorCode: 'GENERAL' });
  });
});

describe('bulk evaluation', () => {
  it('evaluates every flag of the view: a client token gets only client-side flags', async () => {
    const server = await ofrep('/evaluate/flags', { body: { context: { country: 'NO' } } });
    expect(server.status).toBe(200);
    expect(server.body).toStrictEqual({
      flags: [
        { key: 'banner', value: true, variant: 'on', reason: 'TARGETING_MATCH', metadata: { ruleId: 'norway' } },
        { key: 'secret-pricing', value: true, variant: 'on', reason: 'STATIC' },
      ],
    });
    const client = await ofrep('/evaluate/flags', { token: 'client', body: { context: { country: 'NO' } } });
    expect(client.body.flags.map((flag: { key: string }) => flag.key)).toEqual(['banner']);
    expect(client.text).not.toContain('secret-pricing');
  });

  it('answers 304 to If-None-Match with the current ETag; the ETag follows the results', async () => {
    const body = { context: { targetingKey: 'u-1', country: 'NO' } };
    const first = await ofrep('/evaluate/flags', { token: 'client', body });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await ofrep('/evaluate/flags', { token: 'client', body, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    // Another tag for the same context: the whole answer again, with the current ETag.
    const stale = await ofrep('/evaluate/flags', { token: 'client', body, headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
    expect(stale.text).toBe(first.text);
    expect(stale.headers.etag).toBe(etag);

    // A context with other results: another ETag, and the old one does not match.
    const sweden = await ofrep('/evaluate/flags', {
      token: 'client',
      body: { context: { country: 'SE' } },
      headers: { 'if-none-match': etag },
    });
    expect(sweden.status).toBe(200);
    expect(sweden.headers.etag).not.toBe(etag);

    // A change that does not touch the client view leaves its ETag (and the 304) alone.
    expect((await t.api('POST', '/projects/shop/flags/secret-pricing/environments/prod/off', {})).status).toBe(200);
    const unchanged = await ofrep('/evaluate/flags', { token: 'client', body, headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);

    // Turning the banner off changes its result: a new ETag and the new answer.
    expect((await t.api('POST', `${CONFIG}/off`, {})).status).toBe(200);
    const changed = await ofrep('/evaluate/flags', { token: 'client', body, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.flags[0]).toMatchObject({ key: 'banner', value: false, reason: 'DISABLED' });
    expect((await t.api('POST', `${CONFIG}/on`, {})).status).toBe(200);
  });
});

describe('failed authentications', () => {
  it('past the limit, an address gets 429 with Retry-After in the OFREP shape', async () => {
    const limited = await createTestApp({ authFailureLimit: 2 });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof limited.app.inject>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await limited.app.inject({
          method: 'POST',
          url: '/ofrep/v1/evaluate/flags',
          headers: { authorization: 'Bearer sy_client_guess', 'content-type': 'application/json' },
          payload: '{}',
        });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([401, 401, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.json()).toStrictEqual({ errorCode: 'GENERAL', errorDetails: expect.stringMatching(/retry/i) });
    } finally {
      await limited.close();
    }
  });
});
