import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testActor } from '../../../test/helpers/actor.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { FlagConfigService, toConfigResponse } from './service.js';
import { readTarget, type ConfigTarget } from './target.js';
import { writeConfigIfCurrent, type WriteBase } from './write-statement.js';
import { configStateOf } from '../flags/store.js';

let t: TestApp;

async function api(method: 'POST' | 'PATCH', url: string, payload?: object) {
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: t.adminHeaders,
    ...(payload ? { payload } : {}),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

beforeAll(async () => {
  t = await createTestApp();
  await api('POST', '/projects', { key: 'w', name: 'W' });
  await api('POST', '/projects/w/environments', { key: 'prod', name: 'Prod' });
  for (const key of ['a', 'b', 'old']) await api('POST', '/projects/w/flags', { key, name: key, type: 'boolean' });
  await api('POST', '/projects/w/flags/old/archive');
});
afterAll(() => t?.close());

const target = (flag: string) => readTarget(t.db.prisma, 'w', flag, 'prod');

const baseOf = (found: ConfigTarget): WriteBase => ({
  flagId: found.flag.id,
  flagXmin: found.flag.xmin,
  environmentId: found.environment.id,
  environmentKey: 'prod',
  version: found.config!.version,
});

/** Turning the flag on, as the service computes it. */
const enable = (found: ConfigTarget) => ({
  state: { ...configStateOf(found.config!), enabled: true },
  killedFrom: null,
  killReason: null,
});

const recordOf = (found: ConfigTarget) => ({
  actor: testActor('tester'),
  projectId: found.project.id,
  action: 'flag_config.enabled',
  targetType: 'flag_config',
  targetKey: found.flag.key,
  environment: 'prod',
  before: toConfigResponse(found.config!, 'prod'),
  reason: 'why',
  ...(found.flag.archivedAt === null
    ? { affects: { environmentIds: [found.environment.id], flags: [found.flag.key] } }
    : {}),
});

/** Everything a write touches, to compare before and after. */
async function footprint(found: ConfigTarget) {
  const { prisma } = t.db;
  return {
    config: await prisma.flagConfig.findUniqueOrThrow({
      where: { flagId_environmentId: { flagId: found.flag.id, environmentId: found.environment.id } },
    }),
    revision: (await prisma.environment.findUniqueOrThrow({ where: { id: found.environment.id } })).revision,
    audit: await prisma.auditEvent.count(),
    outbox: await prisma.changeOutbox.count({ where: { environmentId: found.environment.id } }),
  };
}

describe('writeConfigIfCurrent', () => {
  it('writes the row, the audit event (before/after), the revision bump and the outbox row in one go', async () => {
    const found = await target('a');
    const before = await footprint(found);
    const result = await writeConfigIfCurrent(t.db.prisma, baseOf(found), enable(found), recordOf(found));
    expect(result).not.toBeNull();
    const after = await footprint(found);
    expect(after.config.version).toBe(before.config.version + 1);
    expect(after.config.enabled).toBe(true);
    expect(toConfigResponse(result!.row, 'prod')).toEqual(toConfigResponse(after.config, 'prod'));
    expect(after.revision).toBe(before.revision + 1);
    expect(result!.recorded.revisions).toEqual([{ environmentId: found.environment.id, revision: after.revision }]);
    const audit = await t.db.prisma.auditEvent.findUniqueOrThrow({ where: { id: result!.recorded.auditId } });
    expect(audit).toMatchObject({
      actor: 'tester',
      actorKind: 'token',
      actorId: 'tester',
      projectId: found.project.id,
      action: 'flag_config.enabled',
      targetType: 'flag_config',
      targetKey: 'a',
      environment: 'prod',
      reason: 'why',
      // What the transactional path records: the API view of the row before and after.
      before: toConfigResponse(before.config, 'prod'),
      after: toConfigResponse(after.config, 'prod'),
    });
    const outbox = await t.db.prisma.changeOutbox.findFirstOrThrow({
      where: { environmentId: found.environment.id, revision: after.revision },
    });
    expect(outbox.changed).toEqual({ flags: ['a'], segments: [] });
  });

  it('writes nothing when the configuration moved on since it was read', async () => {
    const stale = await target('a');
    await new FlagConfigService({ prisma: t.db.prisma, notifier: t.app.changes }).setEnabled(
      'w',
      'a',
      'prod',
      false,
      {},
      testActor('someone else'),
    );
    const before = await footprint(stale);
    expect(await writeConfigIfCurrent(t.db.prisma, baseOf(stale), enable(stale), recordOf(stale))).toBeNull();
    expect(await footprint(stale)).toEqual(before);
  });

  it('writes nothing when the flag definition changed since it was read', async () => {
    const stale = await target('b');
    await api('PATCH', '/projects/w/flags/b', { description: 'edited' });
    const before = await footprint(stale);
    expect(await writeConfigIfCurrent(t.db.prisma, baseOf(stale), enable(stale), recordOf(stale))).toBeNull();
    expect(await footprint(stale)).toEqual(before);
    // Read again, it lands.
    const fresh = await target('b');
    expect(await writeConfigIfCurrent(t.db.prisma, baseOf(fresh), enable(fresh), recordOf(fresh))).not.toBeNull();
  });

  it('audits an archived flag but moves no revision', async () => {
    const found = await target('old');
    const before = await footprint(found);
    const result = await writeConfigIfCurrent(t.db.prisma, baseOf(found), enable(found), recordOf(found));
    expect(result?.recorded.revisions).toEqual([]);
    const after = await footprint(found);
    expect(after).toMatchObject({ revision: before.revision, outbox: before.outbox, audit: before.audit + 1 });
    expect(after.config.version).toBe(before.config.version + 1);
  });
});

describe('concurrent one-environment writes', () => {
  it('two services (separate in-process queues) toggling one flag: no update, version or audit row lost', async () => {
    // Each service has its own queue, so their reads and one-statement writes interleave freely:
    // the losers of the version check fall back to the locking transaction.
    const services = [0, 1].map(() => new FlagConfigService({ prisma: t.db.prisma, notifier: t.app.changes }));
    const found = await target('a');
    const before = await footprint(found);
    const count = 40;
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        services[i % 2]!.setEnabled('w', 'a', 'prod', i % 3 === 0, { reason: `r${i}` }, testActor(`writer-${i}`)),
      ),
    );
    const after = await footprint(found);
    expect(new Set(results.map((result) => result.version)).size).toBe(count);
    expect(after.config.version).toBe(before.config.version + count);
    expect(after.revision).toBe(before.revision + count);
    expect(after.audit).toBe(before.audit + count);
    expect(after.outbox).toBe(before.outbox + count);
    // The audit trail chains: each event's before is the previous event's after.
    const events = await t.db.prisma.auditEvent.findMany({
      where: { targetKey: 'a', actor: { startsWith: 'writer-' } },
      orderBy: { id: 'asc' },
    });
    const versions = events.map((event) => [
      (event.before as { version: number }).version,
      (event.after as { version: number }).version,
    ]);
    expect(versions).toEqual(
      Array.from({ length: count }, (_, i) => [before.config.version + i, before.config.version + i + 1]),
    );
  });

  it('racing toggles with the same If-Match on two services: exactly one lands', async () => {
    const services = [0, 1].map(() => new FlagConfigService({ prisma: t.db.prisma, notifier: t.app.changes }));
    const { config } = await target('a');
    const outcomes = await Promise.allSettled(
      services.map((service, i) =>
        service.setEnabled('w', 'a', 'prod', i === 0, { expectedVersion: config!.version }, testActor(`if-match-${i}`)),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected')!;
    expect((rejected.reason as { statusCode: number }).statusCode).toBe(412);
  });
});

describe('the cached target of the previous write', () => {
  const service = () => new FlagConfigService({ prisma: t.db.prisma, notifier: t.app.changes });

  it('is re-read when another instance wrote since: the write lands on the current version', async () => {
    const [mine, theirs] = [service(), service()];
    const first = await mine.setEnabled('w', 'b', 'prod', true, {}, testActor('mine')); // caches the target
    const other = await theirs.setEnabled('w', 'b', 'prod', false, {}, testActor('theirs'));
    expect(other.version).toBe(first.version + 1);
    const next = await mine.setEnabled('w', 'b', 'prod', true, { reason: 'after theirs' }, testActor('mine'));
    expect(next.version).toBe(first.version + 2);
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { reason: 'after theirs' } });
    expect(audit.before).toEqual(other);
    expect(audit.after).toEqual(next);
  });

  it('never answers 412 from a stale entry: If-Match of the version another instance wrote is accepted', async () => {
    const [mine, theirs] = [service(), service()];
    const cachedAt = await mine.setEnabled('w', 'b', 'prod', true, {}, testActor('mine'));
    const other = await theirs.setEnabled('w', 'b', 'prod', false, {}, testActor('theirs'));
    const next = await mine.setEnabled('w', 'b', 'prod', true, { expectedVersion: other.version }, testActor('mine'));
    expect(next).toMatchObject({ enabled: true, version: other.version + 1 });
    // And a version that is really stale is still refused.
    await expect(
      mine.setEnabled('w', 'b', 'prod', false, { expectedVersion: cachedAt.version }, testActor('mine')),
    ).rejects.toMatchObject({ statusCode: 412 });
  });

  it('checks a toggle again once the flag row changed: a configuration valid before is refused (400) after', async () => {
    const mine = service();
    await api('POST', '/projects/w/flags', {
      key: 'colour',
      name: 'colour',
      type: 'string',
      variants: [
        { key: 'blue', value: 'blue' },
        { key: 'red', value: 'red' },
      ],
    });
    // Validated, then cached with what it validated; the next toggle of it skips the schema check.
    await mine.setEnabled('w', 'colour', 'prod', true, {}, testActor('mine'));
    const off = await mine.setEnabled('w', 'colour', 'prod', false, {}, testActor('mine'));
    expect(off).toMatchObject({ enabled: false, offVariant: 'blue' });
    // The flag loses the variant its configuration serves (behind the API's back): the cached
    // check no longer applies (another flag row), the toggle is validated again and refused.
    await t.db.prisma.$executeRaw`
      UPDATE flags SET variants = '[{"key":"red","value":"red"}]'::jsonb WHERE key = 'colour'`;
    await expect(mine.setEnabled('w', 'colour', 'prod', true, {}, testActor('mine'))).rejects.toMatchObject({
      statusCode: 400,
    });
    expect((await target('colour')).config!.version).toBe(off.version);
  });

  it('is re-read after a definition change, and gives the 404 once the flag is gone', async () => {
    const mine = service();
    await api('POST', '/projects/w/flags', { key: 'gone', name: 'gone', type: 'boolean' });
    await mine.setEnabled('w', 'gone', 'prod', true, {}, testActor('mine'));
    await api('PATCH', '/projects/w/flags/gone', { description: 'edited' });
    expect((await mine.setEnabled('w', 'gone', 'prod', false, {}, testActor('mine'))).enabled).toBe(false);
    await api('POST', '/projects/w/flags/gone/archive');
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/projects/w/flags/gone',
      headers: t.adminHeaders,
    });
    expect(deleted.statusCode).toBe(204);
    await expect(mine.setEnabled('w', 'gone', 'prod', true, {}, testActor('mine'))).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
