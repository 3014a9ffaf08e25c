import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH } from '../../src/http/input-guard.js';
import { MAX_VARIANT_VALUE_DEPTH } from '../../src/features/flags/variant-value-depth.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseFingerprint } from '../helpers/fuzz.js';

/**
 * Input that used to reach the database or blow the stack (a 500, or a silent U+FFFD): lone UTF-16
 * surrogates, deep nesting, invalid UTF-8, years PostgreSQL cannot store. Every case is a 400 in
 * the error shape, naming the field, and writes nothing.
 */
let t: TestApp;
const P = '/api/v1/projects/bad';

beforeAll(async () => {
  t = await createTestApp();
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.adminHeaders, payload });
  expect((await post('/api/v1/projects', { key: 'bad', name: 'Bad' })).statusCode).toBe(201);
  expect((await post(`${P}/environments`, { key: 'prod', name: 'Prod' })).statusCode).toBe(201);
  expect((await post(`${P}/flags`, { key: 'checkout', name: 'Checkout', type: 'boolean' })).statusCode).toBe(201);
  const variants = [
    { key: 'on', value: { a: 1 } },
    { key: 'off', value: false },
  ];
  expect((await post(`${P}/flags`, { key: 'blob', name: 'Blob', type: 'json', variants })).statusCode).toBe(201);
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Sends `body` as raw JSON text (escapes such as `\ud800` stay escapes on the wire). */
const send = (method: Method, url: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url,
    headers: {
      ...t.adminHeaders,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: body }),
  });

/** Asserts a 400 in the error shape whose message names `path` and matches `reason`; nothing written. */
async function expectRefused(
  method: Method,
  url: string,
  body: string | Buffer | undefined,
  path: string,
  reason: RegExp,
) {
  const before = await databaseFingerprint(t);
  const response = await send(method, url, body);
  const label = `${method} ${url} ${String(body).slice(0, 120)} → ${response.body.slice(0, 300)}`;
  expect(response.statusCode, label).toBe(400);
  const error = response.json<{ error: string; message: string }>();
  expect(
    Object.keys(error).every((key) => ['error', 'message', 'details'].includes(key)),
    label,
  ).toBe(true);
  expect(error.error, label).toBe('bad_request');
  expect(error.message, label).toContain(path);
  expect(error.message, label).toMatch(reason);
  expect(await databaseFingerprint(t), `${label} changed the database`).toBe(before);
}

/** `[[…]]` nested `depth` levels deep around `inner`. */
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('lone UTF-16 surrogates', () => {
  const SURROGATE = /surrogate/i;

  it('in any string of a JSON body (values and keys, any depth) are a 400 naming the field', async () => {
    const cases: [Method, string, string, string][] = [
      ['POST', `${P}/flags`, '{"key":"x","name":"\\ud800","type":"boolean"}', 'body.name'],
      ['PATCH', `${P}/flags/checkout`, '{"name":"A\\udfff"}', 'body.name'],
      ['PATCH', `${P}/flags/checkout`, '{"tags":["ok","\\udc00\\ud800"]}', 'body.tags.1'],
      ['PATCH', `${P}/flags/checkout`, '{"description":"x\\uD83D"}', 'body.description'],
      [
        'POST',
        `${P}/segments`,
        '{"key":"s","name":"S","conditions":[{"attribute":"a\\ud800","operator":"in","values":["x"]}]}',
        'body.conditions.0.attribute',
      ],
      [
        'POST',
        `${P}/segments`,
        '{"key":"s","name":"S","conditions":[{"attribute":"a","operator":"in","values":["\\udbff"]}]}',
        'body.conditions.0.values.0',
      ],
      [
        'PATCH',
        `${P}/flags/blob`,
        '{"variants":[{"key":"on","value":{"\\ud800":1}},{"key":"off","value":false}]}',
        'body.variants.0.value',
      ],
      [
        'PATCH',
        `${P}/flags/blob`,
        '{"variants":[{"key":"on","value":["\\ud800"]},{"key":"off","value":false}]}',
        'body.variants.0.value.0',
      ],
      ['POST', `${P}/flags/checkout/environments/prod/kill`, '{"reason":"\\udc00"}', 'body.reason'],
    ];
    for (const [method, url, body, path] of cases) await expectRefused(method, url, body, path, SURROGATE);
  });

  it('keep well-formed pairs, and an escaped backslash before "ud800", which are ordinary text', async () => {
    const emoji = await send('PATCH', `${P}/flags/checkout`, '{"description":"\\ud83d\\ude00 C:\\\\ud800"}');
    expect(emoji.statusCode, emoji.body).toBe(200);
    expect(emoji.json().description).toBe('😀 C:\\ud800');
  });

  it('in the URL (a percent-encoded surrogate is invalid UTF-8) are a 400 naming the parameter', async () => {
    await expectRefused('GET', '/api/v1/audit?actor=%ED%A0%80', undefined, 'querystring.actor', /UTF-8/);
    await expectRefused('GET', `${P}/flags?q=a%ED%B0%80`, undefined, 'querystring.q', /UTF-8/);
    await expectRefused('GET', `${P}/flags/check%ED%A0%80out`, undefined, 'URL path', /UTF-8/);
  });

  it('invalid UTF-8 in a body is a 400 (it was silently read as U+FFFD)', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    await expectRefused('PATCH', `${P}/flags/checkout`, body, 'body', /UTF-8/);
  });
});

describe('nesting', () => {
  it(`a variant value nested deeper than ${MAX_VARIANT_VALUE_DEPTH} levels is a 400 (3,000 levels overflowed the stack)`, async () => {
    for (const depth of [MAX_VARIANT_VALUE_DEPTH + 1, 3000]) {
      const body = `{"variants":[{"key":"on","value":${nested(depth)}},{"key":"off","value":false}]}`;
      const reason = new RegExp(`nested more than (${MAX_VARIANT_VALUE_DEPTH}|${MAX_BODY_DEPTH}) levels`);
      await expectRefused('PATCH', `${P}/flags/blob`, body, 'body.variants.0.value', reason);
    }
  });

  it(`a variant value nested exactly ${MAX_VARIANT_VALUE_DEPTH} levels is fine`, async () => {
    const value = JSON.parse(nested(MAX_VARIANT_VALUE_DEPTH)) as unknown;
    const response = await t.api('PATCH', '/projects/bad/flags/blob', {
      variants: [
        { key: 'on', value },
        { key: 'off', value: false },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.variants[0].value).toEqual(value);
  });

  it(`any body nested deeper than ${MAX_BODY_DEPTH} levels is a 400 before any route sees it, however deep`, async () => {
    for (const depth of [MAX_BODY_DEPTH + 1, 100_000]) {
      await expectRefused('PATCH', `${P}/flags/checkout`, `{"tags":${nested(depth - 1)}}`, 'body.tags', /nested/);
      await expectRefused('POST', `${P}/segments`, nested(depth), 'body', /nested/);
    }
    // An object key `__proto__` makes the parser walk the value; deep, that must not overflow either.
    const poisoned = `{"a":${nested(100_000, '{"__proto__":1}')}}`;
    const response = await send('PATCH', `${P}/flags/checkout`, poisoned);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request' });
  });
});

describe('audit date filters', () => {
  it('a year PostgreSQL cannot store (0000, or beyond 9999 through an offset) is a 400 naming the parameter', async () => {
    for (const [query, path] of [
      ['from=0000-01-01T00:00:00Z', 'querystring.from'],
      ['to=0000-06-01T00:00:00Z', 'querystring.to'],
      ['from=1969-12-31T23:59:59Z', 'querystring.from'],
      ['to=9999-12-31T23:00:00-05:00', 'querystring.to'],
    ] as const) {
      await expectRefused('GET', `/api/v1/audit?${query}`, undefined, path, /between/);
      await expectRefused('GET', `${P}/audit?${query}`, undefined, path, /between/);
    }
  });

  it('the range bounds themselves are accepted', async () => {
    const response = await send('GET', '/api/v1/audit?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z');
    expect(response.statusCode, response.body).toBe(200);
  });
});
