import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** PostgreSQL text cannot hold NUL: every route must answer 400, never 500, and write nothing. */
let t: TestApp;
const P = '/api/v1/projects/nul';

beforeAll(async () => {
  t = await createTestApp();
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.adminHeaders, payload });
  expect((await post('/api/v1/projects', { key: 'nul', name: 'NUL' })).statusCode).toBe(201);
  expect((await post(`${P}/environments`, { key: 'prod', name: 'Prod' })).statusCode).toBe(201);
  expect((await post(`${P}/flags`, { key: 'checkout', name: 'Checkout', type: 'boolean' })).statusCode).toBe(201);
});
afterAll(async () => t?.close());

const send = (method: 'POST' | 'PATCH' | 'GET', url: string, body?: string) =>
  t.app.inject({
    method,
    url,
    headers: { ...t.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: body }),
  });

describe('NUL characters', () => {
  it('in a JSON body (any field, any depth, keys too) is a 400 that writes nothing', async () => {
    const bodies: [string, string, string][] = [
      ['PATCH', `${P}/flags/checkout`, '{"tags":["a\\u0000b"]}'],
      ['POST', `${P}/flags`, '{"key":"x","name":"X","type":"boolean","salt":"s\\u0000"}'],
      ['POST', `${P}/flags/checkout/environments/prod/off`, '{"reason":"\\u0000"}'],
      [
        'POST',
        `${P}/segments`,
        '{"key":"s","name":"S","conditions":[{"attribute":"a\\u0000","operator":"in","values":["x"]}]}',
      ],
      ['PATCH', `${P}/flags/checkout`, '{"description":{"k\\u0000":1}}'],
    ];
    for (const [method, url, body] of bodies) {
      const before = await t.db.prisma.auditEvent.count();
      const response = await send(method as 'POST' | 'PATCH', url, body);
      expect(response.statusCode, `${method} ${url} ${body} → ${response.body}`).toBe(400);
      expect(response.json().message).toMatch(/NUL/);
      expect(await t.db.prisma.auditEvent.count()).toBe(before);
    }
  });

  it('in the URL (path or query) is a 400', async () => {
    for (const url of ['/api/v1/audit?actor=%00', `${P}/flags?tag=a%00`, `${P}/flags/check%00out`]) {
      const response = await send('GET', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().message).toMatch(/NUL/);
    }
  });

  it('leaves alone a backslash followed by "u0000", which is ordinary text', async () => {
    const response = await send('PATCH', `${P}/flags/checkout`, '{"description":"C:\\\\u0000"}');
    expect(response.statusCode).toBe(200);
    expect(response.json().description).toBe('C:\\u0000');
  });
});
