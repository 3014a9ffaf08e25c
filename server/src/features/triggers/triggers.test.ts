import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { INCOMING_BODY_LIMIT } from './incoming-route.js';
import { hashTriggerSecret } from './secret.js';
import { alertmanagerPayload } from '../../../test/helpers/alertmanager-payload.js';

let t: TestApp;

interface CreatedTrigger {
  id: string;
  name: string;
  secret: string;
  path: string;
  prefix: string;
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
  for (const key of ['checkout', 'search', 'banner', 'burst', 'resolve', 'revoked']) {
    expect((await t.api('POST', '/projects/shop/flags', { key, name: key, type: 'boolean' })).status).toBe(201);
    expect((await t.api('POST', `/projects/shop/flags/${key}/environments/prod/on`)).status).toBe(200);
  }
});
afterAll(() => t?.close());

async function createTrigger(flag: string, extra: Record<string, unknown> = {}): Promise<CreatedTrigger> {
  const response = await t.api('POST', '/projects/shop/triggers', {
    name: `alerts for ${flag}`,
    flag,
    environment: 'prod',
    ...extra,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as CreatedTrigger;
}

/** Calls a trigger's URL (no token) from `remoteAddress`. */
async function call(path: string, payload: unknown, remoteAddress = '192.0.2.1') {
  const response = await t.app.inject({ method: 'POST', url: path, payload: payload as object, remoteAddress });
  return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers };
}

async function config(flag: string) {
  return (await t.api('GET', `/projects/shop/flags/${flag}/environments/prod`)).body as {
    enabled: boolean;
    killed: boolean;
    killReason: string | null;
  };
}

async function auditOf(triggerId: string) {
  const response = await t.api('GET', `/projects/shop/audit?actorKind=system&actorId=trigger:${triggerId}`);
  expect(response.status).toBe(200);
  return response.body.items as { action: string; reason: string; actor: string; principal: unknown }[];
}

describe('managing triggers', () => {
  it('creates a trigger: the secret and its URL are shown once, only the hash is stored, creation is audited', async () => {
    const trigger = await createTrigger('checkout');
    expect(trigger.secret).toMatch(/^sy_trigger_[A-Za-z0-9_-]{43}$/);
    expect(trigger.path).toBe(`/api/v1/triggers/incoming/${trigger.secret}`);
    expect(trigger).toMatchObject({ flag: 'checkout', environment: 'prod', restoreOnResolve: false, revokedAt: null });
    const row = await t.db.prisma.flagTrigger.findUniqueOrThrow({ where: { id: trigger.id } });
    expect(row.hash).toBe(hashTriggerSecret(trigger.secret));
    expect(JSON.stringify(row)).not.toContain(trigger.secret);

    const listed = await t.api('GET', '/projects/shop/triggers?flag=checkout');
    expect(listed.body.triggers.map((item: { id: string }) => item.id)).toContain(trigger.id);
    expect(JSON.stringify(listed.body)).not.toContain(trigger.secret);
    const audit = await t.api('GET', `/projects/shop/audit?action=trigger.created`);
    expect(audit.body.items.some((item: { target: { key: string } }) => item.target.key === trigger.id)).toBe(true);
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const before = await t.db.prisma.flagTrigger.count();
    const cases: [unknown, number][] = [
      [{ name: 'x', flag: 'nope', environment: 'prod' }, 404],
      [{ name: 'x', flag: 'checkout', environment: 'nope' }, 404],
      [{ name: '', flag: 'checkout', environment: 'prod' }, 400],
      [{ name: 'x', flag: 'checkout' }, 400],
      [{ name: 'x', flag: 'checkout', environment: 'prod', extra: 1 }, 400],
      [{ name: 'x', flag: 'checkout', environment: 'prod', restoreOnResolve: 'yes' }, 400],
    ];
    for (const [payload, status] of cases) {
      const response = await t.api('POST', '/projects/shop/triggers', payload);
      expect(response.status, JSON.stringify(payload)).toBe(status);
      expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    expect(
      (await t.api('POST', '/projects/nope/triggers', { name: 'x', flag: 'checkout', environment: 'prod' })).status,
    ).toBe(404);
    expect(await t.db.prisma.flagTrigger.count()).toBe(before);
  });

  it('needs an admin token; the incoming URL needs none', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/projects/shop/triggers' });
    expect(response.statusCode).toBe(401);
  });
});

describe('calling a trigger with the generic body', () => {
  it('kills once: the second kill writes nothing, no second audit event; the actor is the trigger', async () => {
    const trigger = await createTrigger('search');
    const first = await call(trigger.path, { action: 'kill', reason: 'p99 over budget' });
    expect(first).toMatchObject({
      status: 200,
      body: { outcome: 'killed', trigger: trigger.id, flag: 'search', environment: 'prod' },
    });
    expect(await config('search')).toMatchObject({ enabled: false, killed: true });
    const again = await call(trigger.path, { action: 'kill', reason: 'p99 over budget' });
    expect(again.body.outcome).toBe('already_killed');

    const events = await auditOf(trigger.id);
    expect(events.map((event) => event.action)).toEqual(['flag_config.killed']);
    expect(events[0]).toMatchObject({
      actor: 'trigger alerts for search',
      principal: { kind: 'system', id: `trigger:${trigger.id}`, display: 'trigger alerts for search' },
      reason: `[trigger:${trigger.id}] p99 over budget`,
      environment: 'prod',
    });

    const restored = await call(trigger.path, { action: 'restore' });
    expect(restored.body.outcome).toBe('restored');
    expect(await config('search')).toMatchObject({ enabled: true, killed: false });
    expect((await call(trigger.path, { action: 'restore' })).body.outcome).toBe('not_restored');
    expect((await auditOf(trigger.id)).map((event) => event.action)).toEqual([
      'flag_config.restored',
      'flag_config.killed',
    ]);
    const listed = await t.api('GET', '/projects/shop/triggers?flag=search');
    expect(listed.body.triggers[0].lastTriggeredAt).not.toBeNull();
  });
});

describe('calling a trigger with Alertmanager', () => {
  it('firing kills with the alert as evidence; repeated notifications do not spam the audit log', async () => {
    const trigger = await createTrigger('banner');
    for (let i = 0; i < 3; i++) {
      const response = await call(trigger.path, alertmanagerPayload('firing'));
      expect(response.status).toBe(200);
      expect(response.body.outcome).toBe(i === 0 ? 'killed' : 'already_killed');
    }
    const events = await auditOf(trigger.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.reason).toContain('Alertmanager firing: HighErrorRate (error rate 12% > 5%)');
    // Without restoreOnResolve a resolve leaves the kill alone.
    expect((await call(trigger.path, alertmanagerPayload('resolved'))).body.outcome).toBe('ignored');
    expect(await config('banner')).toMatchObject({ killed: true });
  });

  it('a burst of notifications at once makes one kill and one audit event', async () => {
    const trigger = await createTrigger('burst');
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call(trigger.path, alertmanagerPayload('firing'), `192.0.2.${100 + i}`)),
    );
    expect(outcomes.map((response) => response.status)).toEqual(Array(6).fill(200));
    expect(outcomes.filter((response) => response.body.outcome === 'killed')).toHaveLength(1);
    expect(await auditOf(trigger.id)).toHaveLength(1);
  });

  it('resolved restores with restoreOnResolve, but only a kill the trigger made', async () => {
    const trigger = await createTrigger('resolve', { restoreOnResolve: true });
    expect((await call(trigger.path, alertmanagerPayload('firing'))).body.outcome).toBe('killed');
    expect((await call(trigger.path, alertmanagerPayload('resolved'))).body.outcome).toBe('restored');
    expect(await config('resolve')).toMatchObject({ enabled: true, killed: false });

    // A person kills it: the alert resolving must not undo that.
    expect(
      (await t.api('POST', `/projects/shop/flags/resolve/environments/prod/kill`, { reason: 'manual' })).status,
    ).toBe(200);
    expect((await call(trigger.path, alertmanagerPayload('resolved'))).body.outcome).toBe('not_restored');
    expect(await config('resolve')).toMatchObject({ killed: true, killReason: 'manual' });
    // And firing on top of a person's kill writes nothing either.
    expect((await call(trigger.path, alertmanagerPayload('firing'))).body.outcome).toBe('already_killed');
  });
});

describe('bad calls', () => {
  it('an unknown secret is a 404 in the error shape, whatever the body', async () => {
    for (const payload of [{ action: 'kill' }, { nonsense: true }]) {
      const response = await call(`/api/v1/triggers/incoming/sy_trigger_${'A'.repeat(43)}`, payload);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: 'Unknown or revoked trigger' });
    }
  });

  it('a malformed body is a 400 and changes nothing', async () => {
    const trigger = await createTrigger('checkout');
    const bodies: unknown[] = [
      { ...alertmanagerPayload('firing'), alerts: [] },
      { ...alertmanagerPayload('firing'), version: '3' },
      { ...alertmanagerPayload('firing'), status: 'pending' },
      { version: '4', status: 'firing' },
      { action: 'explode' },
      { action: 'kill', reason: '' },
      [],
      42,
    ];
    for (const body of bodies) {
      const response = await call(trigger.path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ error: 'bad_request' });
    }
    // The 400 names the first problem of the body the caller meant.
    expect((await call(trigger.path, { version: '4', status: 'firing' })).body.message).toMatch(
      /not an Alertmanager webhook payload \(version 4\): groupKey: /,
    );
    expect((await call(trigger.path, { action: 'explode' })).body.message).toMatch(
      /neither an Alertmanager webhook payload nor \{ action: 'kill' \| 'restore', reason\? \}: action: /,
    );
    const empty = await t.app.inject({ method: 'POST', url: trigger.path, remoteAddress: '192.0.2.1' });
    expect(empty.statusCode).toBe(400);
    expect(await config('checkout')).toMatchObject({ killed: false });
    expect(await auditOf(trigger.id)).toEqual([]);
  });

  it(`a body over ${INCOMING_BODY_LIMIT} bytes is a 413`, async () => {
    const trigger = await createTrigger('checkout');
    const response = await call(trigger.path, { action: 'kill', reason: 'x'.repeat(INCOMING_BODY_LIMIT) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: 'payload_too_large' });
    expect(await config('checkout')).toMatchObject({ killed: false });
  });

  it('a revoked trigger is a 404 at once, and revoking is audited', async () => {
    const trigger = await createTrigger('revoked');
    expect((await call(trigger.path, { action: 'restore' })).status).toBe(200);
    expect((await t.api('DELETE', `/projects/shop/triggers/${trigger.id}`)).status).toBe(204);
    const response = await call(trigger.path, { action: 'kill' });
    expect(response.status).toBe(404);
    expect(await config('revoked')).toMatchObject({ killed: false });
    expect((await t.api('DELETE', `/projects/shop/triggers/${trigger.id}`)).status).toBe(404);
    const listed = await t.api('GET', '/projects/shop/triggers?flag=revoked');
    expect(listed.body.triggers).toEqual([]);
    const all = await t.api('GET', '/projects/shop/triggers?flag=revoked&includeRevoked=true');
    expect(all.body.triggers[0].revokedAt).not.toBeNull();
    const audit = await t.api('GET', '/projects/shop/audit?action=trigger.revoked');
    expect(audit.body.items[0].target.key).toBe(trigger.id);
  });
});
