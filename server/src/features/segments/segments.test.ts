import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
const SEGMENTS = '/projects/acme/segments';
const ENVIRONMENTS = ['production', 'staging'];

/** An admin API request: see TestApp.api. */
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

async function revisions(project = 'acme'): Promise<Record<string, number>> {
  const rows = await t.db.prisma.environment.findMany({
    where: { project: { key: project } },
    orderBy: { key: 'asc' },
  });
  return Object.fromEntries(rows.map((row) => [row.key, row.revision]));
}

/** The newest audit event about segment `key`. */
async function lastSegmentAudit(key: string) {
  return t.db.prisma.auditEvent.findFirst({
    where: { targetType: 'segment', targetKey: key },
    orderBy: { id: 'desc' },
  });
}

const issuePaths = (body: { details: { issues: { path: string }[] } }) =>
  body.details.issues.map((issue) => issue.path);

const betaConditions = [{ attribute: 'email', operator: 'ends_with', values: ['@acme.test'] }];

/** PUT the configuration of `flag` in `environment` with one rule per entry of `ruleSegments`. */
async function useSegments(flag: string, environment: string, ruleSegments: Record<string, string[]>) {
  const url = `/projects/acme/flags/${flag}/environments/${environment}`;
  const current = await api('GET', url);
  const rules = Object.entries(ruleSegments).map(([id, segments]) => ({
    id,
    conditions: [],
    segments,
    serve: { variant: 'on' },
  }));
  return api('PUT', url, { ...current.body, rules }, { 'if-match': current.headers.etag as string });
}

let sdkHeaders: { authorization: string };
/** The staging snapshot as a server SDK gets it. */
async function sdkSnapshot() {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/sdk/snapshot', headers: sdkHeaders });
  expect(response.statusCode).toBe(200);
  return response.json<{ revision: number; segments: { key: string; conditions: unknown[] }[] }>();
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await api('POST', '/projects', { key: 'acme', name: 'Acme' })).status).toBe(201);
  expect((await api('POST', '/projects', { key: 'other', name: 'Other' })).status).toBe(201);
  for (const key of ENVIRONMENTS) await api('POST', '/projects/acme/environments', { key, name: key });
  await api('POST', '/projects/other/environments', { key: 'production', name: 'production' });
  for (const key of ['checkout', 'search']) {
    expect((await api('POST', '/projects/acme/flags', { key, name: key, type: 'boolean' })).status).toBe(201);
  }
  const token = await api('POST', '/tokens', { name: 'sdk', kind: 'server', project: 'acme', environment: 'staging' });
  sdkHeaders = { authorization: `Bearer ${token.body.secret as string}` };
});
afterAll(async () => t?.close());

describe('POST /projects/:project/segments', () => {
  it('creates a segment, audits it and moves the revision of every environment of the project', async () => {
    const before = await revisions();
    const otherBefore = await revisions('other');
    const response = await api('POST', SEGMENTS, {
      key: 'beta-users',
      name: 'Beta users',
      description: 'Staff and friends',
      conditions: betaConditions,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toEqual({
      key: 'beta-users',
      name: 'Beta users',
      description: 'Staff and friends',
      conditions: betaConditions,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const after = await revisions();
    for (const environment of ENVIRONMENTS) expect(after[environment]).toBe(before[environment]! + 1);
    expect(await revisions('other')).toEqual(otherBefore);

    const audit = await lastSegmentAudit('beta-users');
    expect(audit).toMatchObject({ action: 'segment.created', actor: 'admin (generated)', before: null });
    expect(audit!.after).toEqual(response.body);

    // SDKs learn about it through the outbox row of each environment's new revision.
    for (const environment of ENVIRONMENTS) {
      const row = await t.db.prisma.changeOutbox.findFirstOrThrow({
        where: { environment: { project: { key: 'acme' }, key: environment }, revision: after[environment]! },
      });
      expect(row.changed).toEqual({ flags: [], segments: ['beta-users'] });
    }
  });

  it('defaults the description and accepts an empty condition list', async () => {
    const response = await api('POST', SEGMENTS, { key: 'everyone', name: 'Everyone', conditions: [] });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ description: '', conditions: [] });
  });

  it('refuses a duplicate key with 409 and writes nothing', async () => {
    const before = await revisions();
    const response = await api('POST', SEGMENTS, { key: 'beta-users', name: 'Again', conditions: [] });
    expect(response.status).toBe(409);
    expect(response.body.error).toBe('conflict');
    expect(await revisions()).toEqual(before);
  });

  it('answers 400 with the failing paths', async () => {
    const response = await api('POST', SEGMENTS, { key: 'Bad Key', name: '', extra: 1 });
    expect(response.status).toBe(400);
    expect(issuePaths(response.body)).toEqual(expect.arrayContaining(['body.key', 'body.name', 'body.conditions']));
  });

  it('checks conditions with core: unsafe regexes, wrong value types, unknown operators', async () => {
    const before = await revisions();
    const response = await api('POST', SEGMENTS, {
      key: 'risky',
      name: 'Risky',
      conditions: [
        { attribute: 'email', operator: 'regex', values: ['(a)\\1'] },
        { attribute: 'age', operator: 'num_gt', values: ['ten'] },
        { attribute: 'x', operator: 'sounds_like', values: [] },
      ],
    });
    expect(response.status).toBe(400);
    expect(issuePaths(response.body)).toEqual(
      expect.arrayContaining([
        'body.conditions.0.values.0',
        'body.conditions.1.values.0',
        'body.conditions.2.operator',
      ]),
    );
    expect(response.body.message).toMatch(/body\.conditions/);
    // The backtracking analysis runs once the body is otherwise valid (it is asynchronous).
    const unsafe = await api('POST', SEGMENTS, {
      key: 'risky',
      name: 'Risky',
      conditions: [
        { attribute: 'age', operator: 'num_gt', values: [10] },
        { attribute: 'email', operator: 'regex', values: ['(a+)+$'] },
      ],
    });
    expect(unsafe.status).toBe(400);
    expect(issuePaths(unsafe.body)).toEqual(['body.conditions.1.values.0']);
    expect(unsafe.body.message).toMatch(/body\.conditions\.1\.values\.0: "\(a\+\)\+\$": pattern can take exponential/);
    expect(await revisions()).toEqual(before);
    expect(await lastSegmentAudit('risky')).toBeNull();
  });

  it('answers 404 for an unknown project', async () => {
    const response = await api('POST', '/projects/nope/segments', { key: 'x', name: 'X', conditions: [] });
    expect(response.status).toBe(404);
  });
});

describe('GET', () => {
  it('lists the segments of a project by key', async () => {
    const response = await api('GET', SEGMENTS);
    expect(response.status).toBe(200);
    expect(response.body.items.map((segment: { key: string }) => segment.key)).toEqual(['beta-users', 'everyone']);
    expect((await api('GET', '/projects/other/segments')).body).toEqual({ items: [] });
    expect((await api('GET', '/projects/nope/segments')).status).toBe(404);
  });

  it('gets one segment with the rules that use it', async () => {
    expect((await useSegments('search', 'staging', { r1: ['beta-users'] })).status).toBe(200);
    const response = await api('GET', `${SEGMENTS}/beta-users`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ key: 'beta-users', conditions: betaConditions, version: 1 });
    expect(response.body.references).toEqual([{ flag: 'search', environment: 'staging', ruleId: 'r1' }]);
    expect((await useSegments('search', 'staging', {})).status).toBe(200);
  });

  it('answers 404 for unknown segments and for segments of another project', async () => {
    expect((await api('GET', `${SEGMENTS}/ghost`)).status).toBe(404);
    expect((await api('GET', '/projects/other/segments/beta-users')).status).toBe(404);
  });
});

describe('PATCH /projects/:project/segments/:segment', () => {
  it('renames without moving any revision, but bumps the version and audits', async () => {
    const before = await revisions();
    const response = await api('PATCH', `${SEGMENTS}/everyone`, { name: 'All users', description: 'Really all' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ key: 'everyone', name: 'All users', description: 'Really all', version: 2 });
    expect(await revisions()).toEqual(before);
    const audit = await lastSegmentAudit('everyone');
    expect(audit).toMatchObject({ action: 'segment.updated' });
    expect(audit!.before).toMatchObject({ name: 'Everyone', version: 1 });
    expect(audit!.after).toEqual(response.body);
  });

  it('new conditions move the revision of every environment and reach the SDKs', async () => {
    expect((await sdkSnapshot()).segments).toContainEqual({ key: 'beta-users', conditions: betaConditions });

    const before = await revisions();
    const conditions = [
      { attribute: 'plan', operator: 'in', values: ['pro', 'enterprise'] },
      { attribute: 'email', operator: 'regex', values: ['^[a-z]+@acme\\.test$'], caseInsensitive: true },
    ];
    const response = await api('PATCH', `${SEGMENTS}/beta-users`, { conditions });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ conditions, version: 2, name: 'Beta users' });
    const after = await revisions();
    for (const environment of ENVIRONMENTS) expect(after[environment]).toBe(before[environment]! + 1);

    await vi.waitFor(async () => {
      const current = await sdkSnapshot();
      expect(current.revision).toBe(after['staging']);
      expect(current.segments).toContainEqual({ key: 'beta-users', conditions });
    });
  });

  it('keeps keys immutable: another key is a 400, the same key is fine', async () => {
    const renamed = await api('PATCH', `${SEGMENTS}/everyone`, { key: 'all', name: 'All' });
    expect(renamed.status).toBe(400);
    expect(issuePaths(renamed.body)).toEqual(['body.key']);
    expect((await api('GET', `${SEGMENTS}/all`)).status).toBe(404);

    const roundTrip = await api('GET', `${SEGMENTS}/everyone`);
    const { key, name, description, conditions } = roundTrip.body;
    const same = await api('PATCH', `${SEGMENTS}/everyone`, { key, name, description, conditions });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(roundTrip.body.version + 1);
  });

  it('answers 400 for an empty or invalid body and 404 for an unknown segment', async () => {
    const empty = await api('PATCH', `${SEGMENTS}/everyone`, {});
    expect(empty.status).toBe(400);
    const unsafe = await api('PATCH', `${SEGMENTS}/everyone`, {
      conditions: [{ attribute: 'email', operator: 'regex', values: ['(x*)*y'] }],
    });
    expect(unsafe.status).toBe(400);
    expect(issuePaths(unsafe.body)).toEqual(['body.conditions.0.values.0']);
    expect((await api('PATCH', `${SEGMENTS}/ghost`, { name: 'Ghost' })).status).toBe(404);
    expect((await api('PATCH', '/projects/nope/segments/everyone', { name: 'Ghost' })).status).toBe(404);
  });
});

describe('DELETE /projects/:project/segments/:segment', () => {
  it('refuses while rules use the segment, listing every { flag, environment, ruleId }', async () => {
    expect(
      (await useSegments('checkout', 'production', { vip: ['everyone'], beta: ['beta-users', 'everyone'] })).status,
    ).toBe(200);
    expect((await useSegments('search', 'staging', { r9: ['everyone'] })).status).toBe(200);
    // A rule in an archived flag still counts: unarchiving would bring it back.
    expect((await api('POST', '/projects/acme/flags/search/archive')).status).toBe(200);
    const before = await revisions();

    const response = await api('DELETE', `${SEGMENTS}/everyone`);
    expect(response.status).toBe(409);
    expect(response.body.error).toBe('conflict');
    expect(response.body.details.references).toEqual([
      { flag: 'checkout', environment: 'production', ruleId: 'vip' },
      { flag: 'checkout', environment: 'production', ruleId: 'beta' },
      { flag: 'search', environment: 'staging', ruleId: 'r9' },
    ]);
    expect(response.body.message).toContain('checkout (production, rule vip)');
    expect((await api('GET', `${SEGMENTS}/everyone`)).status).toBe(200);
    expect(await revisions()).toEqual(before);
    expect(await lastSegmentAudit('everyone')).toMatchObject({ action: 'segment.updated' });
  });

  it('deletes once no rule uses it: audited, every revision moves, SDK snapshots drop it', async () => {
    expect((await api('POST', '/projects/acme/flags/search/unarchive')).status).toBe(200);
    expect((await useSegments('search', 'staging', {})).status).toBe(200);
    expect((await useSegments('checkout', 'production', { beta: ['beta-users'] })).status).toBe(200);
    const before = await revisions();

    const response = await api('DELETE', `${SEGMENTS}/everyone`);
    expect(response.status).toBe(204);
    expect((await api('GET', `${SEGMENTS}/everyone`)).status).toBe(404);
    const after = await revisions();
    for (const environment of ENVIRONMENTS) expect(after[environment]).toBe(before[environment]! + 1);
    const audit = await lastSegmentAudit('everyone');
    expect(audit).toMatchObject({ action: 'segment.deleted', after: null });
    expect(audit!.before).toMatchObject({ key: 'everyone', name: 'All users' });
    expect((await api('DELETE', `${SEGMENTS}/everyone`)).status).toBe(404);
    await vi.waitFor(async () => {
      const snapshot = await sdkSnapshot();
      expect(snapshot.revision).toBe(after['staging']);
      expect(snapshot.segments.map((segment) => segment.key)).toEqual(['beta-users']);
    });
  });

  it('agrees with flag-config validation: a deleted segment cannot be referenced again', async () => {
    const response = await useSegments('search', 'production', { r1: ['everyone'] });
    expect(response.status).toBe(400);
    expect(issuePaths(response.body)).toEqual(['body.rules.0.segments.0']);
    // The key is free again.
    expect((await api('POST', SEGMENTS, { key: 'everyone', name: 'Everyone', conditions: [] })).status).toBe(201);
    expect((await useSegments('search', 'production', { r1: ['everyone'] })).status).toBe(200);
  });

  it('answers 404 for unknown segments and projects', async () => {
    expect((await api('DELETE', `${SEGMENTS}/ghost`)).status).toBe(404);
    expect((await api('DELETE', '/projects/nope/segments/everyone')).status).toBe(404);
  });
});
