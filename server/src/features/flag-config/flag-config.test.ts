import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
const BASE = '/projects/acme/flags';

/** An admin API request: see TestApp.api. */
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

const configUrl = (flag: string, env = 'production') => `${BASE}/${flag}/environments/${env}`;

async function getConfig(flag: string, env = 'production') {
  const response = await api('GET', configUrl(flag, env));
  expect(response.status).toBe(200);
  return response;
}

/** PUT with the current ETag, changing `patch` on top of the current configuration. */
async function putConfig(flag: string, patch: Record<string, unknown>, env = 'production') {
  const current = await getConfig(flag, env);
  return api('PUT', configUrl(flag, env), { ...current.body, ...patch }, { 'if-match': current.headers.etag });
}

async function revisions() {
  const rows = await t.db.prisma.environment.findMany({ where: { project: { key: 'acme' } }, orderBy: { key: 'asc' } });
  return Object.fromEntries(rows.map((row) => [row.key, row.revision]));
}

const issuePaths = (body: { details: { issues: { path: string }[] } }) =>
  body.details.issues.map((issue) => issue.path);

const rule = (id: string, serve: object, extra: object = {}) => ({ id, conditions: [], segments: [], serve, ...extra });

beforeAll(async () => {
  t = await createTestApp();
  await api('POST', '/projects', { key: 'acme', name: 'Acme' });
  for (const key of ['production', 'staging']) await api('POST', '/projects/acme/environments', { key, name: key });
  for (const key of ['checkout', 'parent', 'other', 'killme']) {
    expect((await api('POST', BASE, { key, name: key, type: 'boolean' })).status).toBe(201);
  }
  expect(
    (
      await api('POST', BASE, {
        key: 'color',
        name: 'Color',
        type: 'string',
        variants: ['red', 'green', 'blue'].map((key) => ({ key, value: key })),
      })
    ).status,
  ).toBe(201);
  const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'acme' } });
  await t.db.prisma.segment.create({
    data: { projectId: project.id, key: 'beta-users', name: 'Beta', conditions: [] },
  });
});
afterAll(async () => t?.close());

describe('GET', () => {
  it('returns the config with an ETag', async () => {
    const response = await getConfig('checkout');
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toEqual({
      environment: 'production',
      enabled: false,
      offVariant: 'off',
      defaultServe: { variant: 'on' },
      rules: [],
      prerequisites: [],
      version: 1,
      killed: false,
      killReason: null,
    });
  });

  it('404s for unknown project, flag or environment', async () => {
    expect((await api('GET', '/projects/nope/flags/checkout/environments/production')).status).toBe(404);
    expect((await api('GET', configUrl('nope'))).status).toBe(404);
    const response = await api('GET', configUrl('checkout', 'nope'));
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'not_found' });
  });
});

describe('PUT', () => {
  it('replaces the config, bumps version, ETag and revision, and audits', async () => {
    const before = await revisions();
    const response = await putConfig('color', {
      enabled: true,
      offVariant: 'red',
      defaultServe: {
        split: [
          { variant: 'green', percent: 50 },
          { variant: 'blue', percent: 50 },
        ],
      },
      rules: [rule('beta', { variant: 'blue' }, { segments: ['beta-users'], rollout: { percent: 25 } })],
    });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    expect(response.body).toMatchObject({ enabled: true, offVariant: 'red', version: 2 });
    expect(response.body.rules[0]).toMatchObject({ id: 'beta', rollout: { percent: 25 } });
    expect(await revisions()).toEqual({ ...before, production: before['production']! + 1 });
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'flag_config.updated', targetKey: 'color' },
      orderBy: { id: 'desc' },
    });
    expect(event).toMatchObject({ environment: 'production', targetType: 'flag_config' });
    expect(event.before).toMatchObject({ version: 1, enabled: false });
    expect(event.after).toMatchObject({ version: 2, enabled: true });
  });

  it('428 without If-Match, 412 with a stale one, 400 with a malformed one', async () => {
    const current = await getConfig('checkout');
    const missing = await api('PUT', configUrl('checkout'), current.body);
    expect(missing.status).toBe(428);
    expect(missing.body.error).toBe('precondition_required');
    const stale = await api('PUT', configUrl('checkout'), current.body, { 'if-match': '"999"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      error: 'precondition_failed',
      details: { currentVersion: 1, expectedVersion: 999 },
    });
    expect((await api('PUT', configUrl('checkout'), current.body, { 'if-match': 'abc' })).status).toBe(400);
    expect((await getConfig('checkout')).body.version).toBe(1);
  });

  it('rejects configurations that are not valid for the flag, with paths', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ offVariant: 'purple' }, 'body.offVariant'],
      [{ defaultServe: { variant: 'purple' } }, 'body.defaultServe.variant'],
      [
        {
          defaultServe: {
            split: [
              { variant: 'on', percent: 50 },
              { variant: 'off', percent: 40 },
            ],
          },
        },
        'body.defaultServe.split',
      ],
      [{ rules: [rule('r', { variant: 'nope' })] }, 'body.rules.0.serve.variant'],
      [{ rules: [rule('r', { variant: 'on' }), rule('r', { variant: 'off' })] }, 'body.rules.1.id'],
      [{ rules: [rule('r', { variant: 'on' }, { rollout: { percent: 100.01 } })] }, 'body.rules.0.rollout.percent'],
      [
        {
          rules: [
            rule(
              'r',
              { variant: 'on' },
              { conditions: [{ attribute: 'email', operator: 'regex', values: ['(a+)+$'] }] },
            ),
          ],
        },
        'body.rules.0.conditions.0.values.0',
      ],
      [{ rules: [rule('r', { variant: 'on' }, { segments: ['ghosts'] })] }, 'body.rules.0.segments.0'],
      [{ prerequisites: [{ flagKey: 'missing', variants: ['on'] }] }, 'body.prerequisites.0.flagKey'],
      [{ prerequisites: [{ flagKey: 'parent', variants: ['maybe'] }] }, 'body.prerequisites.0.variants.0'],
      [{ prerequisites: [{ flagKey: 'checkout', variants: ['on'] }] }, 'body.prerequisites.0.flagKey'],
      [{ enabled: 'yes' }, 'body.enabled'],
    ];
    for (const [patch, path] of cases) {
      const response = await putConfig('checkout', patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
      expect(issuePaths(response.body), JSON.stringify(patch)).toContain(path);
    }
    expect((await getConfig('checkout')).body.version).toBe(1);
  });

  it('names the missing segment', async () => {
    const response = await putConfig('checkout', { rules: [rule('r', { variant: 'on' }, { segments: ['ghosts'] })] });
    expect(response.body.message).toContain("segment 'ghosts' does not exist");
  });

  it('accepts prerequisites and rejects cycles at write time', async () => {
    expect((await putConfig('checkout', { prerequisites: [{ flagKey: 'parent', variants: ['on'] }] })).status).toBe(
      200,
    );
    expect((await putConfig('parent', { prerequisites: [{ flagKey: 'other', variants: ['on'] }] })).status).toBe(200);
    const cycle = await putConfig('other', { prerequisites: [{ flagKey: 'checkout', variants: ['on'] }] });
    expect(cycle.status).toBe(400);
    expect(cycle.body.message).toContain('creates a cycle: other → checkout → parent → other');
    // The same edge in another environment is no cycle: prerequisites are per environment.
    expect(
      (await putConfig('other', { prerequisites: [{ flagKey: 'checkout', variants: ['on'] }] }, 'staging')).status,
    ).toBe(200);
    expect((await putConfig('parent', { prerequisites: [] })).status).toBe(200);
  });

  it('rejects prerequisites on archived flags', async () => {
    await api('POST', BASE, { key: 'retired', name: 'Retired', type: 'boolean' });
    await api('POST', `${BASE}/retired/archive`);
    const response = await putConfig('other', { prerequisites: [{ flagKey: 'retired', variants: ['on'] }] });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain("flag 'retired' is archived");
  });

  it('404s for unknown targets', async () => {
    const response = await api('PUT', configUrl('checkout', 'nope'), (await getConfig('checkout')).body, {
      'if-match': '"1"',
    });
    expect(response.status).toBe(404);
  });
});

describe('on / off / rollout', () => {
  it('turns a flag on and off, with optional If-Match', async () => {
    const on = await api('POST', `${configUrl('parent')}/on`);
    expect(on.status).toBe(200);
    expect(on.body.enabled).toBe(true);
    expect(on.headers.etag).toBe(`"${on.body.version}"`);
    const stale = await api('POST', `${configUrl('parent')}/off`, undefined, {
      'if-match': `"${on.body.version - 1}"`,
    });
    expect(stale.status).toBe(412);
    const off = await api('POST', `${configUrl('parent')}/off`, { reason: 'done' }, { 'if-match': on.headers.etag });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, version: on.body.version + 1 });
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'flag_config.disabled' },
      orderBy: { id: 'desc' },
    });
    expect(event.reason).toBe('done');
    expect((await api('POST', `${configUrl('parent')}/on`, { reason: '' })).status).toBe(400);
    expect((await api('POST', `${configUrl('nope')}/on`)).status).toBe(404);
  });

  it("sets a rule's rollout in percent, keeping stickiness", async () => {
    await putConfig('other', {
      prerequisites: [],
      rules: [
        rule('gradual', { variant: 'on' }, { rollout: { percent: 1, stickiness: 'accountId' } }),
        rule('all', { variant: 'off' }),
      ],
    });
    const response = await api('POST', `${configUrl('other')}/rules/gradual/rollout`, { percent: 25.5 });
    expect(response.status).toBe(200);
    expect(response.body.rules[0].rollout).toEqual({ percent: 25.5, stickiness: 'accountId' });
    const added = await api('POST', `${configUrl('other')}/rules/all/rollout`, { percent: 0 });
    expect(added.body.rules[1].rollout).toEqual({ percent: 0 });
    expect((await api('POST', `${configUrl('other')}/rules/nope/rollout`, { percent: 1 })).status).toBe(404);
    for (const payload of [{ percent: 100.01 }, { percent: 12.345 }, { percent: -1 }, {}, { percentage: 5 }]) {
      const bad = await api('POST', `${configUrl('other')}/rules/gradual/rollout`, payload);
      expect(bad.status, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('kill switch', () => {
  it('kills one environment whatever its version, keeps the old config and restores it', async () => {
    const configured = await putConfig('killme', { enabled: true, rules: [rule('r', { variant: 'off' })] });
    expect(configured.status).toBe(200);
    const before = await revisions();

    const killed = await api('POST', `${configUrl('killme')}/kill`, { reason: 'checkout errors spiking' });
    expect(killed.status).toBe(200);
    expect(killed.body).toMatchObject({ enabled: false, killed: true, killReason: 'checkout errors spiking' });
    expect(killed.body.rules).toEqual(configured.body.rules);
    expect(await revisions()).toEqual({ ...before, production: before['production']! + 1 });
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'flag_config.killed' },
      orderBy: { id: 'desc' },
    });
    expect(event).toMatchObject({ reason: 'checkout errors spiking', environment: 'production', targetKey: 'killme' });

    // Killing again is fine (audited again) and keeps the configuration from before the first kill.
    const again = await api('POST', `${configUrl('killme')}/kill`, { reason: 'still bad' });
    expect(again.status).toBe(200);
    expect(await t.db.prisma.auditEvent.count({ where: { action: 'flag_config.killed', targetKey: 'killme' } })).toBe(
      2,
    );

    const restored = await api('POST', `${configUrl('killme')}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      enabled: true,
      killed: false,
      killReason: null,
      rules: configured.body.rules,
    });
    expect(restored.body.version).toBe(configured.body.version + 3);
    expect((await api('POST', `${configUrl('killme')}/restore`)).status).toBe(409);
  });

  it('requires a non-empty reason', async () => {
    for (const payload of [{}, { reason: '' }, { reason: '   ' }, { reason: 5 }]) {
      expect((await api('POST', `${configUrl('killme')}/kill`, payload)).status, JSON.stringify(payload)).toBe(400);
    }
    expect((await api('POST', `${BASE}/killme/kill`, {})).status).toBe(400);
  });

  it('kills an already-off flag (idempotent, audited)', async () => {
    const response = await api('POST', `${configUrl('killme', 'staging')}/kill`, { reason: 'precaution' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ enabled: false, killed: true });
    expect((await api('POST', `${configUrl('killme', 'staging')}/restore`)).body).toMatchObject({
      enabled: false,
      killed: false,
    });
  });

  it('a later edit ends the kill: restore is then a 409', async () => {
    await api('POST', `${configUrl('killme')}/kill`, { reason: 'x' });
    expect((await api('POST', `${configUrl('killme')}/off`)).status).toBe(200);
    expect((await api('POST', `${configUrl('killme')}/restore`)).status).toBe(409);
  });

  it('kills every environment in one transaction and restores them all', async () => {
    await api('POST', `${configUrl('killme')}/on`);
    await api('POST', `${configUrl('killme', 'staging')}/on`);
    const before = await revisions();
    const killed = await api('POST', `${BASE}/killme/kill`, { reason: 'incident 42' });
    expect(killed.status).toBe(200);
    expect(killed.body.items.map((c: { environment: string }) => c.environment)).toEqual(['production', 'staging']);
    expect(killed.body.items.every((c: { enabled: boolean; killed: boolean }) => !c.enabled && c.killed)).toBe(true);
    expect(await revisions()).toEqual({ production: before['production']! + 1, staging: before['staging']! + 1 });
    const events = await t.db.prisma.auditEvent.findMany({
      where: { action: 'flag_config.killed', reason: 'incident 42' },
    });
    expect(events.map((event) => event.environment).sort()).toEqual(['production', 'staging']);

    const restored = await api('POST', `${BASE}/killme/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.items.every((c: { enabled: boolean; killed: boolean }) => c.enabled && !c.killed)).toBe(true);
    expect((await api('POST', `${BASE}/killme/restore`)).status).toBe(409);
    expect((await api('POST', `${BASE}/nope/kill`, { reason: 'x' })).status).toBe(404);
  });

  it('restore is a 409 when the saved configuration is no longer valid', async () => {
    const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'acme' } });
    await t.db.prisma.segment.create({ data: { projectId: project.id, key: 'temp', name: 'Temp' } });
    expect((await putConfig('killme', { rules: [rule('r', { variant: 'on' }, { segments: ['temp'] })] })).status).toBe(
      200,
    );
    await api('POST', `${configUrl('killme')}/kill`, { reason: 'x' });
    await t.db.prisma.segment.delete({ where: { projectId_key: { projectId: project.id, key: 'temp' } } });
    const response = await api('POST', `${configUrl('killme')}/restore`);
    expect(response.status).toBe(409);
    expect(response.body.message).toContain("segment 'temp' does not exist");
    expect((await getConfig('killme')).body.killed).toBe(true);
  });
});
