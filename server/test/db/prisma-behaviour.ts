/**
 * What the rest of the server relies on from Prisma, checked through each driver adapter
 * (adapter-pg on PostgreSQL, pglite-prisma-adapter on PGlite): column types round-trip, interactive
 * transactions with row locks and UPDATE … RETURNING (the revision bump of src/changes), rollback,
 * and unique violations surfacing as P2002.
 */
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';

export interface PrismaBehaviourOptions {
  /** The migrated database under test (read when the tests run). */
  db: () => Database;
  /**
   * 'mvcc': PostgreSQL; other connections do not see uncommitted rows.
   * 'serialized': PGlite is one session; other queries wait until the transaction ends.
   */
  isolation: 'mvcc' | 'serialized';
}

export function definePrismaBehaviourTests({ db, isolation }: PrismaBehaviourOptions): void {
  it('round-trips every column type of the schema (uuid, timestamptz, jsonb, text[], enums, bigint)', async () => {
    const { prisma } = db();
    const project = await prisma.project.create({
      data: { key: 'types', name: 'Types', environments: { create: [{ key: 'prod', name: 'Production' }] } },
      include: { environments: true },
    });
    expect(project.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(project.createdAt).toBeInstanceOf(Date);
    expect(project.environments.map((e) => [e.key, e.revision])).toEqual([['prod', 0]]);

    const variants = [
      { key: 'on', value: true },
      { key: 'off', value: { nested: [1, 'two', null] } },
    ];
    const flag = await prisma.flag.create({
      data: { projectId: project.id, key: 'f', name: 'F', type: 'json', variants, tags: ['a', 'b c'] },
    });
    const read = await prisma.flag.findUniqueOrThrow({ where: { projectId_key: { projectId: project.id, key: 'f' } } });
    expect(read).toMatchObject({ type: 'json', variants, tags: ['a', 'b c'], clientSide: false, salt: null });
    expect(read.updatedAt.getTime()).toBe(flag.updatedAt.getTime());

    const first = await prisma.auditEvent.create({
      data: {
        actor: 'test',
        actorKind: 'system',
        actorId: 'test',
        action: 'flag.created',
        targetType: 'flag',
        targetKey: 'f',
        after: { a: 1 },
      },
    });
    const second = await prisma.auditEvent.create({
      data: {
        actor: 'test',
        actorKind: 'system',
        actorId: 'test',
        action: 'flag.updated',
        targetType: 'flag',
        targetKey: 'f',
      },
    });
    expect(typeof first.id).toBe('bigint');
    expect(second.id).toBe(first.id + 1n);
  });

  it('runs interactive transactions with SELECT … FOR UPDATE and UPDATE … RETURNING', async () => {
    const { prisma } = db();
    const env = await createEnvironment(db(), 'tx');
    const result = await prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ revision: number }[]>`
        SELECT "revision" FROM "environments" WHERE "id" = ${env.id}::uuid FOR UPDATE`;
      const [bumped] = await tx.$queryRaw<{ revision: number }[]>`
        UPDATE "environments" SET "revision" = "revision" + 1 WHERE "id" = ${env.id}::uuid RETURNING "revision"`;
      await tx.changeOutbox.create({
        data: { environmentId: env.id, revision: bumped!.revision, changed: { flags: ['f'] } },
      });
      return { before: locked!.revision, after: bumped!.revision };
    });
    expect(result).toEqual({ before: 0, after: 1 });
    expect(await prisma.changeOutbox.count({ where: { environmentId: env.id } })).toBe(1);
  });

  it('loses no revision bump when many transactions bump the same environment at once', async () => {
    const { prisma } = db();
    const env = await createEnvironment(db(), 'concurrent');
    const bumps = 12;
    const revisions = await Promise.all(
      Array.from({ length: bumps }, () =>
        prisma.$transaction(async (tx) => {
          const [row] = await tx.$queryRaw<{ revision: number }[]>`
            UPDATE "environments" SET "revision" = "revision" + 1 WHERE "id" = ${env.id}::uuid RETURNING "revision"`;
          await tx.changeOutbox.create({ data: { environmentId: env.id, revision: row!.revision, changed: {} } });
          return row!.revision;
        }),
      ),
    );
    expect([...revisions].sort((a, b) => a - b)).toEqual(Array.from({ length: bumps }, (_, i) => i + 1));
    const stored = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(stored.revision).toBe(bumps);
  });

  it('rolls back everything a failing interactive transaction wrote', async () => {
    const { prisma } = db();
    const env = await createEnvironment(db(), 'rollback');
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE "environments" SET "revision" = 99 WHERE "id" = ${env.id}::uuid`;
        await tx.project.create({ data: { key: 'never', name: 'Never' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await prisma.project.findUnique({ where: { key: 'never' } })).toBeNull();
    expect((await prisma.environment.findUniqueOrThrow({ where: { id: env.id } })).revision).toBe(0);
    // The connection (or PGlite's single session) is usable again afterwards.
    expect(await prisma.project.count({ where: { key: 'rollback' } })).toBe(1);
  });

  it('reports a unique violation as Prisma error P2002, inside and outside transactions', async () => {
    const { prisma } = db();
    await prisma.project.create({ data: { key: 'dup', name: 'Dup' } });
    await expect(prisma.project.create({ data: { key: 'dup', name: 'Again' } })).rejects.toMatchObject({
      code: 'P2002',
    });
    await expect(
      prisma.$transaction(async (tx) => tx.project.create({ data: { key: 'dup', name: 'Again' } })),
    ).rejects.toMatchObject({ code: 'P2002' });
  });

  it('keeps uncommitted writes away from other queries', async () => {
    const { prisma } = db();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = prisma.$transaction(
      async (tx) => {
        await tx.project.create({ data: { key: 'pending', name: 'Pending' } });
        entered();
        await gate;
      },
      { timeout: 60_000 },
    );
    await inside;
    let outsideSettled = false;
    const outside = prisma.project.findUnique({ where: { key: 'pending' } }).finally(() => (outsideSettled = true));
    if (isolation === 'mvcc') {
      expect(await outside).toBeNull();
    } else {
      // Give an interleaving query every chance to run: PGlite would have queued it first.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(outsideSettled).toBe(false);
    }
    release();
    await transaction;
    if (isolation === 'serialized') expect((await outside)?.key).toBe('pending');
    expect(await prisma.project.count({ where: { key: 'pending' } })).toBe(1);
  });
}

async function createEnvironment(db: Database, projectKey: string) {
  const project = await db.prisma.project.create({
    data: { key: projectKey, name: projectKey, environments: { create: [{ key: 'prod', name: 'Production' }] } },
    include: { environments: true },
  });
  return project.environments[0]!;
}
