import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testActor } from '../../test/helpers/actor.js';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { inChangeTransaction } from './change-transaction.js';
import { ChangeNotifier, type ChangeEvent } from './notifier.js';
import { recordChange } from './record-change.js';

let t: TestApp;
let projectId: string;
let devId: string;
let prodId: string;

beforeAll(async () => {
  t = await createTestApp();
  const project = await t.db.prisma.project.create({ data: { key: 'p', name: 'P' } });
  projectId = project.id;
  devId = (await t.db.prisma.environment.create({ data: { projectId, key: 'dev', name: 'Dev' } })).id;
  prodId = (await t.db.prisma.environment.create({ data: { projectId, key: 'prod', name: 'Prod' } })).id;
});
afterAll(() => t?.close());

const revisionOf = async (id: string) => (await t.db.prisma.environment.findUniqueOrThrow({ where: { id } })).revision;

describe('recordChange', () => {
  it('writes the audit event, bumps each affected environment and writes its outbox row', async () => {
    const [devBefore, prodBefore] = [await revisionOf(devId), await revisionOf(prodId)];
    const change = await t.db.prisma.$transaction((tx) =>
      recordChange(tx, {
        actor: testActor('alice'),
        projectId,
        action: 'flag.updated',
        targetType: 'flag',
        targetKey: 'beta',
        before: { at: new Date('2026-01-01T00:00:00Z'), big: 12n },
        after: { name: 'Beta' },
        reason: 'testing',
        affects: { environmentIds: [prodId, devId, devId], flags: ['beta', 'beta'], segments: [] },
      }),
    );
    expect(await revisionOf(devId)).toBe(devBefore + 1);
    expect(await revisionOf(prodId)).toBe(prodBefore + 1);
    expect(change.revisions).toEqual(
      [
        { environmentId: devId, revision: devBefore + 1 },
        { environmentId: prodId, revision: prodBefore + 1 },
      ].sort((a, b) => a.environmentId.localeCompare(b.environmentId)),
    );
    const audit = await t.db.prisma.auditEvent.findUniqueOrThrow({ where: { id: change.auditId } });
    expect(audit).toMatchObject({
      actor: 'alice',
      actorKind: 'token',
      actorId: 'alice',
      projectId,
      action: 'flag.updated',
      targetType: 'flag',
      targetKey: 'beta',
      reason: 'testing',
      before: { at: '2026-01-01T00:00:00.000Z', big: '12' },
      after: { name: 'Beta' },
    });
    const outbox = await t.db.prisma.changeOutbox.findMany({
      where: { environmentId: { in: [devId, prodId] }, revision: { in: [devBefore + 1, prodBefore + 1] } },
    });
    expect(outbox).toHaveLength(2);
    for (const row of outbox) {
      expect(row.changed).toEqual({ flags: ['beta'], segments: [] });
      expect(row.publishedAt).toBeNull();
    }
  });

  it('moves no revision for changes SDKs do not see', async () => {
    const before = await revisionOf(devId);
    const change = await t.db.prisma.$transaction((tx) =>
      recordChange(tx, {
        actor: testActor('alice'),
        projectId: null,
        action: 'token.created',
        targetType: 'token',
        targetKey: 'x',
      }),
    );
    expect(change.revisions).toEqual([]);
    expect(await revisionOf(devId)).toBe(before);
    const audit = await t.db.prisma.auditEvent.findUniqueOrThrow({ where: { id: change.auditId } });
    expect(audit.before).toBeNull();
    expect(audit.after).toBeNull();
  });

  it('loses no revision under concurrent writers to the same environments', async () => {
    const before = await revisionOf(devId);
    const writers = 12;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, index) =>
        t.db.prisma.$transaction((tx) =>
          recordChange(tx, {
            actor: testActor(`writer-${index}`),
            projectId,
            action: 'flag.updated',
            targetType: 'flag',
            targetKey: `f${index}`,
            // Half list the environments in the other order: the id-ordered update avoids deadlocks.
            affects: { environmentIds: index % 2 ? [devId, prodId] : [prodId, devId], flags: [`f${index}`] },
          }),
        ),
      ),
    );
    const devRevisions = results.map((result) => result.revisions.find((r) => r.environmentId === devId)!.revision);
    expect(new Set(devRevisions).size).toBe(writers);
    expect(Math.max(...devRevisions)).toBe(before + writers);
    expect(await revisionOf(devId)).toBe(before + writers);
  });
});

describe('inChangeTransaction', () => {
  it('notifies once, after commit, with the latest revision of each environment', async () => {
    const events: ChangeEvent[] = [];
    const unsubscribe = t.app.changes.onChange((event) => {
      events.push(event);
    });
    try {
      const before = await revisionOf(devId);
      const value = await inChangeTransaction({ prisma: t.db.prisma, notifier: t.app.changes }, async (_tx, record) => {
        const base = { actor: testActor('bob'), projectId, action: 'flag.updated', targetType: 'flag' };
        await record({ ...base, targetKey: 'a', affects: { environmentIds: [devId], flags: ['a'] } });
        await record({ ...base, targetKey: 'b', affects: { environmentIds: [devId], flags: ['b'], segments: ['s'] } });
        expect(events).toEqual([]); // nothing announced before commit
        return 'done';
      });
      expect(value).toBe('done');
      expect(events).toEqual([
        {
          environmentIds: [devId],
          revisions: [{ environmentId: devId, revision: before + 2 }],
          flags: ['a', 'b'],
          segments: ['s'],
        },
      ]);
    } finally {
      unsubscribe();
    }
  });

  it('writes and announces nothing when the work fails', async () => {
    const listener = vi.fn();
    const unsubscribe = t.app.changes.onChange(listener);
    const before = await revisionOf(devId);
    const auditCount = await t.db.prisma.auditEvent.count();
    await expect(
      inChangeTransaction({ prisma: t.db.prisma, notifier: t.app.changes }, async (_tx, record) => {
        await record({
          actor: testActor('bob'),
          projectId,
          action: 'flag.updated',
          targetType: 'flag',
          targetKey: 'a',
          affects: { environmentIds: [devId] },
        });
        throw new Error('validation failed later');
      }),
    ).rejects.toThrow('validation failed later');
    unsubscribe();
    expect(listener).not.toHaveBeenCalled();
    expect(await revisionOf(devId)).toBe(before);
    expect(await t.db.prisma.auditEvent.count()).toBe(auditCount);
  });
});

describe('event outbox and the after-commit announcement', () => {
  it('writes one event_outbox row per recorded change in its transaction, and announces every change after commit', async () => {
    const announced: string[][] = [];
    const unsubscribe = t.app.changes.onRecorded((changes) => {
      announced.push(changes.map((change) => `${change.action}:${change.targetKey}:${change.actor.id}`));
    });
    const first = (await t.db.prisma.eventOutbox.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    try {
      await inChangeTransaction({ prisma: t.db.prisma, notifier: t.app.changes }, async (_tx, record) => {
        await record({
          actor: testActor('carol'),
          projectId,
          action: 'flag_config.killed',
          targetType: 'flag_config',
          targetKey: 'pay',
          environment: 'prod',
          before: { enabled: true },
          after: { enabled: false },
          reason: 'incident',
          affects: { environmentIds: [prodId], flags: ['pay'] },
        });
        // Changes no SDK sees are events too.
        await record({
          actor: testActor('carol'),
          projectId: null,
          action: 'token.created',
          targetType: 'token',
          targetKey: 't1',
        });
        expect(announced).toEqual([]);
      });
    } finally {
      unsubscribe();
    }
    expect(announced).toEqual([['flag_config.killed:pay:carol', 'token.created:t1:carol']]);
    const rows = await t.db.prisma.eventOutbox.findMany({ where: { id: { gt: first } }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(2);
    const audit = await t.db.prisma.auditEvent.findUniqueOrThrow({ where: { id: rows[0]!.auditEventId } });
    expect(audit.action).toBe('flag_config.killed');
    expect(rows[0]).toMatchObject({
      projectId,
      environment: 'prod',
      eventType: 'flag_config.killed',
      targetType: 'flag_config',
      targetKey: 'pay',
      actorKind: 'token',
      actorId: 'carol',
      actor: 'carol',
      before: { enabled: true },
      after: { enabled: false },
      reason: 'incident',
      processedAt: null,
    });
    expect(rows[1]).toMatchObject({
      projectId: null,
      environment: null,
      eventType: 'token.created',
      before: null,
      after: null,
    });
  });

  it('writes no event_outbox row when the transaction fails', async () => {
    const before = await t.db.prisma.eventOutbox.count();
    await expect(
      inChangeTransaction({ prisma: t.db.prisma, notifier: t.app.changes }, async (_tx, record) => {
        await record({
          actor: testActor('dan'),
          projectId,
          action: 'flag.updated',
          targetType: 'flag',
          targetKey: 'x',
        });
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    expect(await t.db.prisma.eventOutbox.count()).toBe(before);
  });
});

describe('ChangeNotifier', () => {
  const event: ChangeEvent = {
    environmentIds: ['e'],
    revisions: [{ environmentId: 'e', revision: 1 }],
    flags: [],
    segments: [],
  };

  it('isolates failing listeners and supports unsubscribing', async () => {
    const errors: unknown[] = [];
    const notifier = new ChangeNotifier((error) => errors.push(error));
    const good = vi.fn();
    notifier.onChange(() => {
      throw new Error('sync failure');
    });
    notifier.onChange(async () => {
      throw new Error('async failure');
    });
    const unsubscribe = notifier.onChange(good);
    notifier.notify(event);
    expect(good).toHaveBeenCalledWith(event);
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    unsubscribe();
    notifier.notify(event);
    expect(good).toHaveBeenCalledTimes(1);
  });

  it('ignores events that affect no environment', () => {
    const notifier = new ChangeNotifier();
    const listener = vi.fn();
    notifier.onChange(listener);
    notifier.notify({ ...event, environmentIds: [], revisions: [] });
    expect(listener).not.toHaveBeenCalled();
  });
});
