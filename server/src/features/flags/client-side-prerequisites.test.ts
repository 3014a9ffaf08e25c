/**
 * A client-side flag's prerequisites must be client-side (browsers get client-side flags only):
 * refused at write time by the configuration PUT (400), by making a flag client-side or unarchiving
 * a client-side flag (409), and by making a parent server-only (409); nothing written when refused.
 * The races between those writes are in client-side-prerequisites.race.test.ts.
 */
import { compileSnapshot, evaluate, type Snapshot } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
const FLAGS = '/projects/web/flags';

/** An admin API request: see TestApp.api. */
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

const configUrl = (flag: string, env: string) => `${FLAGS}/${flag}/environments/${env}`;

/** PUT with the current ETag: the current configuration with `prerequisites` replaced. */
async function setPrerequisites(flag: string, env: string, parents: string[]) {
  const current = await api('GET', configUrl(flag, env));
  expect(current.status).toBe(200);
  const prerequisites = parents.map((flagKey) => ({ flagKey, variants: ['on'] }));
  return api('PUT', configUrl(flag, env), { ...current.body, prerequisites }, { 'if-match': current.headers.etag });
}

async function createFlag(key: string, clientSide: boolean) {
  expect((await api('POST', FLAGS, { key, name: key, type: 'boolean', clientSide })).status).toBe(201);
}

/** What a refused request must leave alone: flags, configurations, revisions, audit events. */
async function databaseState() {
  const [flags, configs, environments, audit] = await Promise.all([
    t.db.prisma.flag.findMany({ orderBy: { key: 'asc' } }),
    t.db.prisma.flagConfig.findMany({ orderBy: [{ flagId: 'asc' }, { environmentId: 'asc' }] }),
    t.db.prisma.environment.findMany({ orderBy: { key: 'asc' } }),
    t.db.prisma.auditEvent.count(),
  ]);
  return { flags, configs, environments, audit };
}

beforeAll(async () => {
  t = await createTestApp();
  await api('POST', '/projects', { key: 'web', name: 'Web' });
  for (const key of ['production', 'staging']) await api('POST', '/projects/web/environments', { key, name: key });
});
afterAll(async () => t?.close());

describe('PUT of a configuration', () => {
  beforeAll(async () => {
    await createFlag('server-parent', false);
    await createFlag('public-parent', true);
    await createFlag('banner', true);
    await createFlag('server-child', false);
  });

  it('refuses a server-only prerequisite of a client-side flag with a 400 naming it, writing nothing', async () => {
    const before = await databaseState();
    const response = await setPrerequisites('banner', 'production', ['public-parent', 'server-parent']);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
    expect(response.body.message).toMatch(/body\.prerequisites\.1\.flagKey: flag 'server-parent' is not client-side/);
    expect(response.body.message).toContain('browsers would never receive it');
    expect(response.body.details.issues).toEqual([
      { path: 'body.prerequisites.1.flagKey', message: expect.stringContaining("'server-parent'") },
    ]);
    expect(await databaseState()).toEqual(before);
  });

  it('accepts client-side prerequisites of a client-side flag, and any prerequisite of a server-only one', async () => {
    expect((await setPrerequisites('banner', 'production', ['public-parent'])).status).toBe(200);
    expect((await setPrerequisites('server-child', 'production', ['server-parent', 'public-parent'])).status).toBe(200);
  });

  it('the browser then gets the parent and answers like a server SDK', async () => {
    await api('POST', `${configUrl('public-parent', 'production')}/on`);
    await api('POST', `${configUrl('banner', 'production')}/on`);
    const snapshots: Snapshot[] = [];
    for (const kind of ['server', 'client']) {
      const token = await api('POST', '/tokens', { name: kind, kind, project: 'web', environment: 'production' });
      const snapshot = await t.app.inject({
        url: '/api/v1/sdk/snapshot',
        headers: { authorization: `Bearer ${token.body.secret}` },
      });
      snapshots.push(snapshot.json<Snapshot>());
    }
    const [server, client] = snapshots.map((snapshot) => {
      const result = evaluate(compileSnapshot(snapshot!), 'banner', { userId: 'u-1' }, false);
      return { value: result.value, reason: result.reason };
    });
    expect(client!.reason).not.toBe('ERROR');
    expect(client).toEqual(server);
    expect(client).toEqual({ value: true, reason: expect.any(String) });
  });
});

describe('making a flag client-side or server-only', () => {
  beforeAll(async () => {
    await createFlag('checkout', false); // server-only parent
    await createFlag('theme', true); // client-side parent
    await createFlag('promo', false); // lists checkout in staging
    expect((await setPrerequisites('promo', 'staging', ['checkout', 'theme'])).status).toBe(200);
    await createFlag('dark-mode', true); // lists theme in production
    expect((await setPrerequisites('dark-mode', 'production', ['theme'])).status).toBe(200);
  });

  it('refuses to make a flag client-side while a prerequisite of it is not (409 listing it), writing nothing', async () => {
    const before = await databaseState();
    const response = await api('PATCH', `${FLAGS}/promo`, { clientSide: true, name: 'Promo' });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(
      /^Flag 'promo' cannot be made client-side: its prerequisite 'checkout' \(staging\) is not client-side/,
    );
    expect(response.body.details).toEqual({ prerequisites: [{ flag: 'checkout', environment: 'staging' }] });
    expect(await databaseState()).toEqual(before);
  });

  it('refuses to make a flag server-only while a client-side flag lists it (409 listing them), writing nothing', async () => {
    const before = await databaseState();
    const response = await api('PATCH', `${FLAGS}/theme`, { clientSide: false });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(
      /^Flag 'theme' cannot stop being client-side: it is a prerequisite of client-side 'dark-mode' in production/,
    );
    // promo lists theme too, but promo is server-only: it does not count.
    expect(response.body.details).toEqual({ dependents: [{ flag: 'dark-mode', environment: 'production' }] });
    expect(await databaseState()).toEqual(before);
  });

  it('allows both once the parents are client-side, or the dependents server-only', async () => {
    expect((await api('PATCH', `${FLAGS}/checkout`, { clientSide: true })).status).toBe(200);
    expect((await api('PATCH', `${FLAGS}/promo`, { clientSide: true })).body.clientSide).toBe(true);
    // Now promo (client-side) lists checkout and theme: neither may become server-only.
    expect((await api('PATCH', `${FLAGS}/checkout`, { clientSide: false })).status).toBe(409);
    expect((await api('PATCH', `${FLAGS}/promo`, { clientSide: false })).status).toBe(200);
    expect((await api('PATCH', `${FLAGS}/checkout`, { clientSide: false })).status).toBe(200);
    expect((await api('PATCH', `${FLAGS}/dark-mode`, { clientSide: false })).status).toBe(200);
    expect((await api('PATCH', `${FLAGS}/theme`, { clientSide: false })).status).toBe(200);
  });

  it('changes of other fields, and clientSide set to what it is, are not checked', async () => {
    // Data saved before the rule existed: a client-side flag with a server-only prerequisite.
    await createFlag('legacy', true);
    const legacy = await t.db.prisma.flag.findFirstOrThrow({ where: { key: 'legacy' } });
    await t.db.prisma.flagConfig.updateMany({
      where: { flagId: legacy.id },
      data: { prerequisites: [{ flagKey: 'checkout', variants: ['on'] }] },
    });
    expect((await api('PATCH', `${FLAGS}/legacy`, { clientSide: true, tags: ['old'] })).status).toBe(200);
    expect((await api('PATCH', `${FLAGS}/checkout`, { name: 'Checkout' })).status).toBe(200);
  });
});

describe('archived flags', () => {
  beforeAll(async () => {
    await createFlag('billing', false);
    await createFlag('invoice', false);
    expect((await setPrerequisites('invoice', 'production', ['billing'])).status).toBe(200);
    expect((await api('POST', `${FLAGS}/invoice/archive`)).status).toBe(200);
  });

  it('an archived flag may be made client-side (it is in no snapshot), but not unarchived so', async () => {
    expect((await api('PATCH', `${FLAGS}/invoice`, { clientSide: true })).status).toBe(200);
    const before = await databaseState();
    const response = await api('POST', `${FLAGS}/invoice/unarchive`);
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(
      /^Client-side flag 'invoice' cannot be unarchived: its prerequisite 'billing' \(production\) is not client-side/,
    );
    expect(response.body.details).toEqual({ prerequisites: [{ flag: 'billing', environment: 'production' }] });
    expect(await databaseState()).toEqual(before);
  });

  it('an archived parent cannot be made server-only while a live client-side flag lists it', async () => {
    // Unarchiving the parent would bring it back to the snapshot without it being client-side.
    await createFlag('locale', true);
    await createFlag('rtl', true);
    expect((await setPrerequisites('rtl', 'staging', ['locale'])).status).toBe(200);
    expect((await api('POST', `${FLAGS}/rtl/archive`)).status).toBe(200);
    expect((await api('POST', `${FLAGS}/locale/archive`)).status).toBe(200);
    expect((await api('POST', `${FLAGS}/rtl/unarchive`)).status).toBe(200);
    const response = await api('PATCH', `${FLAGS}/locale`, { clientSide: false });
    expect(response.status).toBe(409);
    expect(response.body.details).toEqual({ dependents: [{ flag: 'rtl', environment: 'staging' }] });
  });

  it('a deleted parent cannot come back server-only under its key', async () => {
    // rtl (live, client-side) lists locale, archived just above; deleting locale is allowed.
    expect((await api('DELETE', `${FLAGS}/locale`)).status).toBe(204);
    const response = await api('POST', FLAGS, { key: 'locale', name: 'Locale', type: 'boolean' });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/^Flag 'locale' must be created client-side: client-side 'rtl' in staging/);
    expect(response.body.details).toEqual({ dependents: [{ flag: 'rtl', environment: 'staging' }] });
    await createFlag('locale', true);
  });

  it('archived client-side flags do not keep a parent client-side; unarchiving then checks again', async () => {
    expect((await api('PATCH', `${FLAGS}/billing`, { clientSide: true })).status).toBe(200);
    expect((await api('PATCH', `${FLAGS}/billing`, { clientSide: false })).status).toBe(200);
    expect((await api('POST', `${FLAGS}/invoice/unarchive`)).status).toBe(409);
    expect((await api('PATCH', `${FLAGS}/billing`, { clientSide: true })).status).toBe(200);
    expect((await api('POST', `${FLAGS}/invoice/unarchive`)).status).toBe(200);
  });
});

describe('configurations saved before the rule', () => {
  it('can still be turned off and on, rolled out, killed and restored; a PUT is checked', async () => {
    await createFlag('old-parent', false);
    await createFlag('old-child', true);
    const child = await t.db.prisma.flag.findFirstOrThrow({ where: { key: 'old-child' } });
    const rule = { id: 'r1', conditions: [], segments: [], rollout: { percentage: 5000 }, serve: { variant: 'on' } };
    await t.db.prisma.flagConfig.updateMany({
      where: { flagId: child.id },
      data: { prerequisites: [{ flagKey: 'old-parent', variants: ['on'] }], rules: [rule] },
    });
    const url = configUrl('old-child', 'production');
    expect((await api('POST', `${url}/on`)).status).toBe(200);
    expect((await api('POST', `${url}/off`)).status).toBe(200);
    expect((await api('POST', `${url}/rules/r1/rollout`, { percent: 25 })).status).toBe(200);
    expect((await api('POST', `${url}/kill`, { reason: 'incident' })).status).toBe(200);
    expect((await api('POST', `${url}/restore`)).status).toBe(200);
    const put = await setPrerequisites('old-child', 'production', ['old-parent']);
    expect(put.status).toBe(400);
    expect(put.body.message).toContain("flag 'old-parent' is not client-side");
  });
});
