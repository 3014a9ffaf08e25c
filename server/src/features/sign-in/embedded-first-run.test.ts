import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';
import { ensureSetupToken } from '../users/setup.js';

/** `npm start` (embedded PGlite): the first owner is created with the printed link, then signs in over http://localhost. */
let t: EmbeddedTestApp;

beforeAll(async () => {
  t = await createEmbeddedTestApp('sy-first-run-');
}, 120_000);
afterAll(async () => t?.close());

describe('first run in embedded mode', () => {
  it('makes a set-up token, creates the owner once, and signs in with a cookie that works over http', async () => {
    const token = await ensureSetupToken({ prisma: t.db.prisma, notifier: t.app.changes });
    expect(token).toMatch(/^sy_setup_/);
    const body = { token, email: 'owner@example.com', password: 'embedded owner', displayName: 'Owner' };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
    expect(created.statusCode, created.body).toBe(201);
    // Embedded mode serves http://localhost: a Secure cookie would never be sent back.
    expect(String(created.headers['set-cookie'])).not.toContain('Secure');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body })).statusCode).toBe(410);
    expect(await ensureSetupToken({ prisma: t.db.prisma, notifier: t.app.changes })).toBeNull();

    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sign-in/password',
      payload: { email: 'OWNER@example.com', password: 'embedded owner' },
    });
    expect(signedIn.statusCode).toBe(200);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ instanceRole: 'owner', user: { email: 'owner@example.com' } });
    // The admin token keeps working next to people.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.adminHeaders })).statusCode).toBe(200);
  });
});
