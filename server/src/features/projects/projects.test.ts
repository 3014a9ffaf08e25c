import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { defaultFlagConfig } from './default-flag-config.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
async function call(method: Method, url: string, payload?: unknown) {
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: t.adminHeaders,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return {
    status: response.statusCode,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked field by field
    body: response.body === '' ? undefined : (response.json() as Record<string, any>),
  };
}

/** A flag written straight to the database (the flags feature has its own tests). */
async function insertFlag(projectKey: string, key: string, variants: { key: string; value: unknown }[]) {
  const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: projectKey } });
  return t.db.prisma.flag.create({
    data: { projectId: project.id, key, name: key, type: 'boolean', variants: variants as never },
  });
}

const auditFor = (targetType: string, targetKey: string) =>
  t.db.prisma.auditEvent.findMany({ where: { targetType, targetKey }, orderBy: { id: 'asc' } });

describe('projects', () => {
  it('creates, lists, gets and updates a project, auditing each change', async () => {
    const created = await call('POST', '/projects', { key: 'web-shop', name: 'Web shop', description: 'The store' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'web-shop', name: 'Web shop', description: 'The store' });

    expect((await call('GET', '/projects')).body!.projects.map((p: { key: string }) => p.key)).toContain('web-shop');
    const fetched = await call('GET', '/projects/web-shop');
    expect(fetched.body).toMatchObject({ key: 'web-shop', environments: [] });

    const updated = await call('PATCH', '/projects/web-shop', { name: 'Web Shop' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ key: 'web-shop', name: 'Web Shop', description: 'The store' });

    const audit = await auditFor('project', 'web-shop');
    expect(audit.map((event) => event.action)).toEqual(['project.created', 'project.updated']);
    expect(audit[1]).toMatchObject({
      actor: 'admin (generated)',
      before: expect.objectContaining({ name: 'Web shop' }) as unknown,
      after: expect.objectContaining({ name: 'Web Shop' }) as unknown,
    });
    expect(audit[0]!.projectId).toEqual(expect.any(String));
  });

  it('refuses duplicate keys with 409 and bad keys with 400', async () => {
    await call('POST', '/projects', { key: 'dupe', name: 'Dupe' });
    const duplicate = await call('POST', '/projects', { key: 'dupe', name: 'Again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({ error: 'conflict', message: "Project 'dupe' already exists" });

    for (const key of ['Upper', '-leading', 'has space', 'a'.repeat(64), '', 'ünïcode']) {
      const response = await call('POST', '/projects', { key, name: 'x' });
      expect(response.status, key).toBe(400);
      expect(response.body!.details.issues[0].path).toBe('body.key');
    }
    for (const key of ['a', '0', 'a_b-c', 'a'.repeat(63)]) {
      expect((await call('POST', '/projects', { key, name: 'x' })).status, key).toBe(201);
    }
  });

  it('refuses unknown fields, empty updates and a key change', async () => {
    await call('POST', '/projects', { key: 'strict', name: 'Strict' });
    expect((await call('POST', '/projects', { key: 'x1', name: 'x', color: 'red' })).status).toBe(400);
    expect((await call('PATCH', '/projects/strict', {})).status).toBe(400);
    expect((await call('PATCH', '/projects/strict', { key: 'renamed' })).status).toBe(400);
  });

  it('refuses a NUL in names, descriptions and path keys with 400 (Postgres text cannot hold it)', async () => {
    await call('POST', '/projects', { key: 'nul', name: 'Nul' });
    await call('POST', '/projects/nul/environments', { key: 'dev', name: 'Dev' });
    for (const [method, url, payload, path] of [
      ['POST', '/projects', { key: 'nul2', name: 'a\u0000b' }, 'body.name'],
      ['POST', '/projects', { key: 'nul2', name: 'x', description: '\u0000' }, 'body.description'],
      ['PATCH', '/projects/nul', { name: '\u0000' }, 'body.name'],
      ['PATCH', '/projects/nul%00', { name: 'x' }, 'params.project'],
      ['DELETE', '/projects/nul%00', undefined, 'params.project'],
      ['POST', '/projects/nul/environments', { key: 'e', name: 'e\u0000' }, 'body.name'],
      ['PATCH', '/projects/nul/environments/dev', { name: '\u0000' }, 'body.name'],
      ['DELETE', '/projects/nul/environments/dev%00', undefined, 'params.environment'],
    ] as const) {
      const response = await call(method, url, payload);
      expect(response.status, `${method} ${url}`).toBe(400);
      // Body fields are named; a NUL in the URL is refused before routing (http/input-guard.ts).
      expect(response.body!.message).toBe(
        path.startsWith('body.')
          ? `Invalid request: ${path}: must not contain NUL (\\u0000) characters`
          : 'Invalid request: the URL must not contain NUL (%00) characters',
      );
    }
  });

  it('answers 404 for unknown projects', async () => {
    for (const [method, url, payload] of [
      ['GET', '/projects/ghost', undefined],
      ['PATCH', '/projects/ghost', { name: 'x' }],
      ['DELETE', '/projects/ghost', undefined],
      ['GET', '/projects/ghost/environments', undefined],
      ['POST', '/projects/ghost/environments', { key: 'dev', name: 'Dev' }],
    ] as const) {
      const response = await call(method, url, payload);
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: "Project 'ghost' not found" });
    }
  });

  it('deletes an empty project at once, and a non-empty one only with force', async () => {
    await call('POST', '/projects', { key: 'empty', name: 'Empty' });
    await call('POST', '/projects/empty/environments', { key: 'dev', name: 'Dev' });
    expect((await call('DELETE', '/projects/empty')).status).toBe(204);
    expect((await call('GET', '/projects/empty')).status).toBe(404);

    await call('POST', '/projects', { key: 'full', name: 'Full' });
    await call('POST', '/projects/full/environments', { key: 'dev', name: 'Dev' });
    await insertFlag('full', 'f1', [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ]);
    const refused = await call('DELETE', '/projects/full');
    expect(refused.status).toBe(409);
    expect(refused.body!.message).toContain('1 flag(s)');
    expect(refused.body!.message).toContain('?force=true');
    expect((await call('GET', '/projects/full')).status).toBe(200);

    expect((await call('DELETE', '/projects/full?force=true')).status).toBe(204);
    expect((await call('GET', '/projects/full')).status).toBe(404);
    expect(await t.db.prisma.flag.count({ where: { key: 'f1' } })).toBe(0);
    const audit = await auditFor('project', 'full');
    expect(audit.at(-1)).toMatchObject({
      action: 'project.deleted',
      before: expect.objectContaining({ flags: 1 }) as unknown,
    });
  });

  it('takes the tokens of a deleted project with it', async () => {
    await call('POST', '/projects', { key: 'tokened', name: 'Tokened' });
    await call('POST', '/projects/tokened/environments', { key: 'dev', name: 'Dev' });
    const token = await call('POST', '/tokens', {
      name: 'svc',
      kind: 'server',
      project: 'tokened',
      environment: 'dev',
    });
    const secret = token.body!.secret as string;
    expect((await call('DELETE', '/projects/tokened')).status).toBe(204);
    expect(await t.db.prisma.apiToken.count({ where: { id: token.body!.id as string } })).toBe(0);
    const verified = await t.app.tokenAuth.authenticate({ type: 'bearer', secret });
    expect(verified).toBeNull();
  });
});

describe('environments', () => {
  beforeAll(async () => {
    await call('POST', '/projects', { key: 'envs', name: 'Envs' });
  });

  it('creates, lists, gets and renames environments, auditing each change and bumping the revision', async () => {
    const created = await call('POST', '/projects/envs/environments', { key: 'staging', name: 'Staging' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'staging', name: 'Staging', revision: 1 });

    const listed = await call('GET', '/projects/envs/environments');
    expect(listed.body!.environments.map((e: { key: string }) => e.key)).toEqual(['staging']);
    expect((await call('GET', '/projects/envs/environments/staging')).body).toMatchObject({ revision: 1 });

    const renamed = await call('PATCH', '/projects/envs/environments/staging', { name: 'Stage' });
    expect(renamed.body).toMatchObject({ name: 'Stage', revision: 1 }); // a name is not in any snapshot

    const environment = await t.db.prisma.environment.findFirstOrThrow({ where: { key: 'staging' } });
    const outbox = await t.db.prisma.changeOutbox.findMany({ where: { environmentId: environment.id } });
    expect(outbox.map((row) => row.revision)).toEqual([1]);
    const audit = await t.db.prisma.auditEvent.findMany({
      where: { targetType: 'environment', targetKey: 'staging', projectId: environment.projectId },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((event) => [event.action, event.environment])).toEqual([
      ['environment.created', 'staging'],
      ['environment.updated', 'staging'],
    ]);
  });

  it('gives a new environment the default configuration of every existing flag', async () => {
    await call('POST', '/projects', { key: 'flagged', name: 'Flagged' });
    const onOff = await insertFlag('flagged', 'beta', [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ]);
    const colors = await insertFlag('flagged', 'color', [
      { key: 'red', value: 'r' },
      { key: 'blue', value: 'b' },
    ]);

    const created = await call('POST', '/projects/flagged/environments', { key: 'qa', name: 'QA' });
    expect(created.status).toBe(201);
    const environment = await t.db.prisma.environment.findFirstOrThrow({
      where: { key: 'qa', project: { key: 'flagged' } },
    });
    const configs = await t.db.prisma.flagConfig.findMany({ where: { environmentId: environment.id } });
    const byFlag = new Map(configs.map((config) => [config.flagId, config]));
    expect(byFlag.get(onOff.id)).toMatchObject({
      enabled: false,
      offVariant: 'off',
      defaultServe: { variant: 'on' },
      rules: [],
      prerequisites: [],
    });
    expect(byFlag.get(colors.id)).toMatchObject({
      enabled: false,
      offVariant: 'red',
      defaultServe: { variant: 'red' },
    });

    const outbox = await t.db.prisma.changeOutbox.findFirstOrThrow({ where: { environmentId: environment.id } });
    expect(outbox.changed).toEqual({ flags: ['beta', 'color'], segments: [] });
  });

  it('refuses a duplicate key with 409 and answers 404 for unknown environments', async () => {
    await call('POST', '/projects/envs/environments', { key: 'prod', name: 'Prod' });
    expect((await call('POST', '/projects/envs/environments', { key: 'prod', name: 'Again' })).status).toBe(409);
    // The same key in another project is fine.
    await call('POST', '/projects', { key: 'other', name: 'Other' });
    expect((await call('POST', '/projects/other/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);

    const missing = await call('GET', '/projects/envs/environments/nope');
    expect(missing.status).toBe(404);
    expect(missing.body!.message).toBe("Environment 'nope' not found in project 'envs'");
    expect((await call('PATCH', '/projects/envs/environments/nope', { name: 'x' })).status).toBe(404);
    expect((await call('DELETE', '/projects/envs/environments/nope')).status).toBe(404);
    expect((await call('POST', '/projects/envs/environments', { key: 'Bad Key', name: 'x' })).status).toBe(400);
  });

  it('deletes an environment of a project without flags at once, otherwise only with force', async () => {
    await call('POST', '/projects/envs/environments', { key: 'temp', name: 'Temp' });
    expect((await call('DELETE', '/projects/envs/environments/temp')).status).toBe(204);
    expect((await call('GET', '/projects/envs/environments/temp')).status).toBe(404);

    await call('POST', '/projects', { key: 'busy', name: 'Busy' });
    await call('POST', '/projects/busy/environments', { key: 'dev', name: 'Dev' });
    await insertFlag('busy', 'f', [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ]);
    const refused = await call('DELETE', '/projects/busy/environments/dev');
    expect(refused.status).toBe(409);
    expect(refused.body!.message).toContain('?force=true');
    expect((await call('DELETE', '/projects/busy/environments/dev?force=yes')).status).toBe(204);
    expect((await call('DELETE', '/projects/busy/environments/dev?force=maybe')).status).toBe(400);

    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'environment.deleted', targetKey: 'dev' },
    });
    expect(audit.before).toMatchObject({ key: 'dev' });
  });
});

describe('defaultFlagConfig', () => {
  it('is off, serving "off" when there is one, else the first variant', () => {
    expect(defaultFlagConfig({ variants: [{ key: 'off' }, { key: 'on' }] })).toEqual({
      enabled: false,
      offVariant: 'off',
      defaultServe: { variant: 'on' },
      rules: [],
      prerequisites: [],
    });
    expect(defaultFlagConfig({ variants: [{ key: 'a' }, { key: 'b' }] })).toMatchObject({
      offVariant: 'a',
      defaultServe: { variant: 'a' },
    });
    expect(() => defaultFlagConfig({ variants: [] })).toThrow(/at least one variant/);
  });
});
