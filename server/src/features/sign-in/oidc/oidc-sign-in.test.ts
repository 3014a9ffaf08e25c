import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OidcConfig } from '../../../config.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TestBrowser } from '../../../../test/helpers/browser.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../../../test/helpers/oidc-provider.js';
import { parseRoleMap } from './role-map.js';
import { inChangeTransaction } from '../../../changes/index.js';
import { OIDC_STARTS_PER_MINUTE } from './routes.js';
import { linkOrCreate, signInUser } from './sso-user.js';

/**
 * Single sign-on end to end against a real OpenID Connect provider (oidc-provider) started here:
 * a browser (fetch + a cookie jar) goes to the server, the provider, back to the callback, and
 * then calls the API with the session cookie it got. The refusals use the same real provider:
 * its ID tokens rewritten and re-signed with its own key (wrong audience, issuer, nonce), a
 * callback replayed or forged, a response `iss` of another issuer.
 */

let t: TestApp;
let idp: TestIdentityProvider;
let base: string;
let callbackUrl: string;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  callbackUrl = `${base}/api/v1/sign-in/oidc/callback`;
  idp = await startTestIdentityProvider(callbackUrl);
  const oidc: OidcConfig = {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    redirectUrl: callbackUrl,
    scopes: ['openid', 'email', 'profile', 'groups'],
    groupsClaim: 'groups',
    roleMap: parseRoleMap('sre=instance:admin,checkout-devs=project:checkout:editor,oncall=project:*:responder'),
    allowedEmailDomains: ['example.com'],
    name: 'Example SSO',
  };
  t = await createTestApp({ publicUrl: base, cookieSecure: false, oidc });
  await t.app.listen({ port, host: '127.0.0.1' });
  expect((await t.api('POST', '/projects', { key: 'checkout', name: 'Checkout' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await idp?.close();
});

beforeEach(() => {
  idp.tamper = null;
});

const alice = {
  sub: 'alice-sub',
  email: 'Alice@Example.com',
  email_verified: true,
  name: 'Alice Liddell',
  groups: ['checkout-devs', 'oncall'],
};

/** Starts a sign-in in `browser` and walks through the provider; the callback URL it is sent back to (not yet followed). */
async function throughProvider(browser: TestBrowser, start = `${base}/api/v1/sign-in/oidc`): Promise<string> {
  return browser.followUntil(start, callbackUrl);
}

/** A whole sign-in: the callback's response (303 to the console on success). */
async function signIn(browser = new TestBrowser()): Promise<{ browser: TestBrowser; response: Response }> {
  const callback = await throughProvider(browser);
  return { browser, response: await browser.get(callback) };
}

async function me(browser: TestBrowser) {
  const response = await browser.get(`${base}/api/v1/me`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sessionCount = () => t.db.prisma.userSession.count();

async function expectRefused(response: Response, status: number, message: RegExp, sessionsBefore: number) {
  const body = (await response.json()) as { error: string; message: string };
  expect(response.status, body.message).toBe(status);
  expect(body.message).toMatch(message);
  expect(response.headers.getSetCookie().some((line) => line.startsWith('switchyard_session='))).toBe(false);
  expect(await sessionCount()).toBe(sessionsBefore);
}

describe('single sign-on (OIDC) against a real provider', () => {
  it('GET /sign-in/methods tells the console SSO is on, and its button text', async () => {
    const response = await fetch(`${base}/api/v1/sign-in/methods`);
    expect(await response.json()).toEqual({
      password: true,
      oidc: { name: 'Example SSO', url: '/api/v1/sign-in/oidc' },
    });
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, the state also in an HttpOnly cookie', async () => {
    const browser = new TestBrowser();
    const response = await browser.get(`${base}/api/v1/sign-in/oidc?returnTo=/projects/checkout`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(idp.issuer);
    const params = location.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(idp.clientId);
    expect(params.get('redirect_uri')).toBe(callbackUrl);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('nonce')).toBeTruthy();
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('switchyard_oidc='))!;
    expect(cookie).toContain(`switchyard_oidc=${params.get('state')};`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it(`lets one address start at most ${OIDC_STARTS_PER_MINUTE} sign-ins a minute (each keeps a row for 10 min): then 429`, async () => {
    // Anonymous: without a limit, anyone could fill oidc_sign_in_attempts as fast as they can ask.
    const start = (remoteAddress: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/sign-in/oidc', remoteAddress });
    const rows = () => t.db.prisma.oidcSignInAttempt.count();
    const before = await rows();
    for (let i = 0; i < OIDC_STARTS_PER_MINUTE; i++) {
      // Addresses of one /64 are one client.
      expect((await start(`2001:db8:5:5::${(i + 1).toString(16)}`)).statusCode).toBe(302);
    }
    const refused = await start('2001:db8:5:5::ffff');
    expect(refused.statusCode, refused.body).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ error: 'too_many_requests' });
    expect(await rows()).toBe(before + OIDC_STARTS_PER_MINUTE);
    expect((await start('2001:db8:5:6::1')).statusCode).toBe(302);
  });

  it('signs a new person in: user created just in time, session cookie, /me shows the roles their groups map to', async () => {
    idp.account = alice;
    const { browser, response } = await signIn();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const sessionCookie = response.headers.getSetCookie().find((line) => line.startsWith('switchyard_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(browser.cookies.has('switchyard_oidc')).toBe(false); // used up
    const { status, body } = await me(browser);
    expect(status).toBe(200);
    expect(body['principal']).toMatchObject({ kind: 'user', via: 'session', display: 'Alice Liddell' });
    expect(body['user']).toMatchObject({ email: 'alice@example.com', displayName: 'Alice Liddell' });
    expect(body['instanceRole']).toBeNull();
    expect(body['grants']).toEqual(
      expect.arrayContaining([
        { project: 'checkout', role: 'editor' },
        { project: '*', role: 'responder' },
      ]),
    );
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: 'alice@example.com' } });
    expect(user.passwordHash).toBeNull();
    const identities = await t.db.prisma.userIdentity.findMany({ where: { userId: user.id } });
    expect(identities).toMatchObject([{ issuer: idp.issuer, subject: 'alice-sub' }]);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { targetKey: user.id }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => [event.action, event.actorKind, event.actorId])).toEqual([
      ['user.created', 'system', 'sso'],
      ['user.identity_linked', 'system', 'sso'],
      ['user.sso_roles_changed', 'system', 'sso'],
    ]);
  });

  it('goes back to returnTo, a path on this server; refuses one that leaves it', async () => {
    idp.account = alice;
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, `${base}/api/v1/sign-in/oidc?returnTo=/projects/checkout`);
    const response = await browser.get(callback);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/projects/checkout');
    for (const away of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const refused = await new TestBrowser().get(`${base}/api/v1/sign-in/oidc?returnTo=${encodeURIComponent(away)}`);
      expect(refused.status, away).toBe(400);
    }
  });

  it('a second sign-in reuses the user (by issuer and subject), and refreshes the roles from the groups', async () => {
    idp.account = alice;
    const first = await signIn();
    const userId = ((await me(first.browser)).body['user'] as { id: string }).id;
    idp.account = { ...alice, email: 'alice.liddell@example.com', groups: ['sre'] };
    const second = await signIn();
    const after = await me(second.browser);
    expect((after.body['user'] as { id: string }).id).toBe(userId);
    expect(after.body['instanceRole']).toBe('admin');
    expect(after.body['grants']).toEqual([]);
    // The first browser's session sees the refreshed roles too: rights are read at every request.
    expect((await me(first.browser)).body['instanceRole']).toBe('admin');
    expect(await t.db.prisma.user.count({ where: { email: { startsWith: 'alice' } } })).toBe(1);
    expect(await t.db.prisma.userIdentity.count({ where: { subject: 'alice-sub' } })).toBe(1);
    idp.account = alice;
  });

  it('keeps roles given by hand: SSO only replaces the ones it gave', async () => {
    const created = await t.api('POST', '/users', { email: 'carol@example.com', displayName: 'Carol' });
    expect(created.status).toBe(201);
    const userId = created.body.id as string;
    expect((await t.api('PUT', `/projects/checkout/members/${userId}`, { role: 'admin' })).status).toBe(200);
    // Same email, verified by the provider: the first sign-in links the identity to the existing user.
    idp.account = { sub: 'carol-sub', email: 'carol@example.com', email_verified: true, name: 'Carol', groups: [] };
    const { browser, response } = await signIn();
    expect(response.status).toBe(303);
    const after = await me(browser);
    expect((after.body['user'] as { id: string }).id).toBe(userId);
    expect(after.body['grants']).toEqual([{ project: 'checkout', role: 'admin' }]);
  });

  it('refuses to link an existing user by an email the provider did not verify (409, no session)', async () => {
    expect((await t.api('POST', '/users', { email: 'dave@example.com', displayName: 'Dave' })).status).toBe(201);
    // No email_verified claim at all (some providers omit it): not proof enough to take over an account.
    idp.account = { sub: 'mallory-sub', email: 'dave@example.com', groups: ['sre'] };
    const before = await sessionCount();
    await expectRefused((await signIn()).response, 409, /did not say it verified/, before);
    // Said unverified: refused earlier, by the domain rule (an unverified email proves no domain).
    idp.account = { sub: 'mallory-sub', email: 'dave@example.com', email_verified: false, groups: ['sre'] };
    await expectRefused((await signIn()).response, 403, /addresses only/, before);
    expect(await t.db.prisma.userIdentity.count({ where: { subject: 'mallory-sub' } })).toBe(0);
  });

  it('refuses a disabled user (403, no session)', async () => {
    idp.account = { sub: 'erin-sub', email: 'erin@example.com', email_verified: true, groups: [] };
    const { browser } = await signIn();
    const userId = ((await me(browser)).body['user'] as { id: string }).id;
    expect((await t.api('PATCH', `/users/${userId}`, { disabled: true })).status).toBe(200);
    const before = await sessionCount();
    const { response } = await signIn();
    await expectRefused(response, 403, /disabled/, before);
  });

  it('refuses an email outside the allowed domains (403, no user, no session)', async () => {
    idp.account = { sub: 'frank-sub', email: 'frank@elsewhere.example', email_verified: true, groups: ['sre'] };
    const before = await sessionCount();
    const { response } = await signIn();
    await expectRefused(response, 403, /example\.com addresses only/, before);
    expect(await t.db.prisma.user.count({ where: { email: 'frank@elsewhere.example' } })).toBe(0);
  });

  it.each([
    [
      'a wrong audience (another client id)',
      (claims: Record<string, unknown>) => ({ ...claims, aud: 'another-client' }),
      /aud/,
    ],
    ['a wrong issuer', (claims: Record<string, unknown>) => ({ ...claims, iss: 'https://evil.example' }), /iss/],
    ['a wrong nonce', (claims: Record<string, unknown>) => ({ ...claims, nonce: 'not-the-one-we-sent' }), /nonce/],
  ])('refuses an ID token with %s, well signed by the provider (401, no session)', async (_what, tamper, message) => {
    idp.account = alice;
    idp.tamper = tamper;
    const before = await sessionCount();
    const { response } = await signIn();
    await expectRefused(response, 401, message, before);
  });

  it('refuses an authorization response naming another issuer (mix-up; 401, no session)', async () => {
    idp.account = alice;
    const browser = new TestBrowser();
    const callback = new URL(await throughProvider(browser));
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    callback.searchParams.set('iss', 'https://evil.example');
    const before = await sessionCount();
    await expectRefused(await browser.get(callback.href), 401, /iss/, before);
  });

  it('refuses a replayed callback: the state is used once (400, no second session)', async () => {
    idp.account = alice;
    const browser = new TestBrowser();
    const callback = await throughProvider(browser);
    const state = browser.cookies.get('switchyard_oidc')!;
    expect((await browser.get(callback)).status).toBe(303);
    const before = await sessionCount();
    browser.cookies.set('switchyard_oidc', state); // as an attacker who kept the cookie would
    await expectRefused(await browser.get(callback), 400, /already used/, before);
  });

  it("refuses a forged state, a callback without the cookie, and another browser's callback (login CSRF): 400", async () => {
    idp.account = alice;
    const before = await sessionCount();
    // Another browser's callback (an attacker's own sign-in, sent to the victim): the victim has no state cookie.
    const attacker = new TestBrowser();
    const callback = await throughProvider(attacker);
    const victim = new TestBrowser();
    await expectRefused(await victim.get(callback), 400, /not started in this browser/, before);
    // The victim with a sign-in of their own under way: the states differ.
    await victim.get(`${base}/api/v1/sign-in/oidc`);
    await expectRefused(await victim.get(callback), 400, /not started in this browser/, before);
    // A forged state that matches a forged cookie: no such sign-in.
    const forger = new TestBrowser();
    forger.cookies.set('switchyard_oidc', 'forged-state');
    await expectRefused(
      await forger.get(`${callbackUrl}?code=abc&state=forged-state`),
      400,
      /unknown, expired/,
      before,
    );
    // The attacker's own callback still works for the attacker (only once).
    expect((await attacker.get(callback)).status).toBe(303);
  });

  it('passes on a refusal by the provider (access_denied) as a 401, no session', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${base}/api/v1/sign-in/oidc`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const before = await sessionCount();
    const denied = `${callbackUrl}?error=access_denied&error_description=no&state=${state}&iss=${encodeURIComponent(idp.issuer)}`;
    await expectRefused(await browser.get(denied), 401, /access_denied/, before);
  });

  it('concurrent first sign-ins of one person make one user and one identity', async () => {
    const identity = {
      issuer: idp.issuer,
      subject: 'grace-sub',
      claims: { email: 'grace@example.com', email_verified: true, name: 'Grace', groups: ['checkout-devs'] },
    };
    const options = {
      groupsClaim: 'groups',
      roleMap: parseRoleMap('checkout-devs=project:checkout:viewer'),
      allowedEmailDomains: [],
    };
    const deps = { prisma: t.db.prisma, notifier: t.app.changes };
    const users = await Promise.all(Array.from({ length: 5 }, () => signInUser(deps, identity, options)));
    expect(new Set(users.map((user) => user.id)).size).toBe(1);
    expect(await t.db.prisma.user.count({ where: { email: 'grace@example.com' } })).toBe(1);
    expect(await t.db.prisma.userIdentity.count({ where: { subject: 'grace-sub' } })).toBe(1);
  });

  it('a first sign-in whose identity lookup missed a concurrent one that committed since links to it (no 409)', async () => {
    // The interleaving the test above hits now and then, made certain: sign-in A committed the
    // user and the identity after sign-in B looked the identity up and before B looked the email up.
    const identity = {
      issuer: idp.issuer,
      subject: 'hopper-sub',
      claims: { email: 'hopper@example.com', email_verified: true, name: 'Grace Hopper', groups: [] },
    };
    const options = { groupsClaim: 'groups', roleMap: parseRoleMap(''), allowedEmailDomains: [] };
    const deps = { prisma: t.db.prisma, notifier: t.app.changes };
    const first = await signInUser(deps, identity, options);
    const person = { email: 'hopper@example.com', emailVerified: true, displayName: 'Grace Hopper', groups: [] };
    const second = await inChangeTransaction(deps, (tx, record) =>
      linkOrCreate(tx, record, identity, person, new Date()),
    );
    expect(second.id).toBe(first.id);
    expect(await t.db.prisma.userIdentity.count({ where: { subject: 'hopper-sub' } })).toBe(1);
    // Another subject of the same provider for that user is still refused.
    await expect(
      inChangeTransaction(deps, (tx, record) =>
        linkOrCreate(tx, record, { ...identity, subject: 'impostor-sub' }, person, new Date()),
      ),
    ).rejects.toMatchObject({ statusCode: 409 });
  });
});
