import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * Token names are what audit events display: a name the server uses for itself, or one that looks
 * like another active token's, must not be given to a token.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const create = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.adminHeaders, payload });

interface ErrorBody {
  error: string;
  message: string;
  details?: { issues?: { path: string; message: string }[] };
}

describe('POST /api/v1/tokens: reserved names', () => {
  it.each([
    'system:seed',
    'System:Seed',
    ' system:x',
    'SYSTEM:bootstrap',
    'system :x',
    'ｓｙｓｔｅｍ:x', // fullwidth letters (NFKC)
    'sys\u200Btem:x', // a zero-width space inside
    'ѕystem:x', // Cyrillic dze, a look-alike of s
    'system∶x', // U+2236 RATIO, a look-alike of the colon
    'admin (SWITCHYARD_ADMIN_TOKEN)',
    'Admin (switchyard admin token)',
    'my SWITCHYARD-ADMIN-TOKEN copy',
    'admin (generated)',
  ])('refuses %j with 400 naming body.name', async (name) => {
    const response = await create({ name, kind: 'admin' });
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json<ErrorBody>();
    expect(body.error).toBe('bad_request');
    expect(body.details?.issues?.map((issue) => issue.path)).toEqual(['body.name']);
    expect(body.details?.issues?.[0]?.message).toMatch(/reserved/);
  });

  it('refuses a name of invisible characters only', async () => {
    const response = await create({ name: '\u200B\u00AD', kind: 'admin' });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().details?.issues).toEqual([
      { path: 'body.name', message: 'must have a visible character' },
    ]);
  });

  it('still accepts ordinary names that merely mention the words', async () => {
    for (const name of ['systems team', 'ci: system tests', 'admin', 'switchyard admin']) {
      const response = await create({ name, kind: 'admin' });
      expect(response.statusCode, `${name}: ${response.body}`).toBe(201);
    }
  });
});

describe('POST /api/v1/tokens: duplicate names', () => {
  it('refuses a second active token with the same name with 409', async () => {
    expect((await create({ name: 'deployer', kind: 'admin' })).statusCode).toBe(201);
    const again = await create({ name: 'deployer', kind: 'admin' });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>()).toMatchObject({ error: 'conflict', details: { fields: ['name'] } });
    expect(again.json<ErrorBody>().message).toContain("'deployer'");
    expect(await t.db.prisma.apiToken.count({ where: { name: 'deployer' } })).toBe(1);
  });

  it.each([
    'Deployer',
    ' deployer ',
    'ＤＥＰＬＯＹＥＲ',
    'dеployer' /* Cyrillic e */,
    'deploy\u00ADer' /* soft hyphen */,
  ])('treats the look-alike %j as the same name', async (name) => {
    expect((await create({ name, kind: 'admin' })).statusCode).toBe(409);
  });

  it('gives exactly one of two concurrent creations of one name', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `racer-${round}`;
      const responses = await Promise.all([create({ name, kind: 'admin' }), create({ name, kind: 'admin' })]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409]);
      expect(await t.db.prisma.apiToken.count({ where: { name } })).toBe(1);
    }
  });

  it('lets a revoked token’s name be used again', async () => {
    const first = (await create({ name: 'rotating', kind: 'admin' })).json<{ id: string }>();
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${first.id}`,
      headers: t.adminHeaders,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await create({ name: 'rotating', kind: 'admin' })).statusCode).toBe(201);
    expect((await create({ name: 'rotating', kind: 'admin' })).statusCode).toBe(409);
  });
});
