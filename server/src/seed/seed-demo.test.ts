import { compileSnapshot, evaluate, SCHEMA_VERSION, type Flag, type Snapshot } from '@switchyard/core';
import { snapshotSchema } from '@switchyard/core/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedTestDatabase, type OpenTestDatabase } from '../../test/helpers/db.js';
import { ChangeNotifier } from '../changes/index.js';
import type { Database } from '../db/index.js';
import { DEMO_FLAGS } from './demo-data.js';
import { SEED_ACTOR, seedDemo } from './seed-demo.js';

let opened: OpenTestDatabase;
let db: Database;
const notifier = new ChangeNotifier();

beforeAll(async () => {
  opened = await openMigratedTestDatabase();
  db = opened.db;
});
afterAll(async () => {
  await opened?.close();
});

/** The snapshot an SDK of `environmentKey` would get, built straight from the rows. */
async function snapshotOf(environmentKey: string): Promise<Snapshot> {
  const environment = await db.prisma.environment.findFirstOrThrow({
    where: { key: environmentKey, project: { key: 'demo' } },
    include: { flagConfigs: { include: { flag: true } } },
  });
  const flags: Flag[] = environment.flagConfigs.map(({ flag, ...config }) => ({
    key: flag.key,
    type: flag.type,
    variants: flag.variants as unknown as Flag['variants'],
    enabled: config.enabled,
    offVariant: config.offVariant,
    defaultServe: config.defaultServe as unknown as Flag['defaultServe'],
    rules: config.rules as unknown as Flag['rules'],
    prerequisites: config.prerequisites as unknown as Flag['prerequisites'],
    version: config.version,
    clientSide: flag.clientSide,
  }));
  return {
    schemaVersion: SCHEMA_VERSION,
    projectKey: 'demo',
    environmentKey,
    revision: environment.revision,
    flags,
    segments: [],
  };
}

describe('seedDemo', () => {
  it('seeds the demo project on the first start only', async () => {
    expect(await seedDemo({ prisma: db.prisma, notifier })).toBe(true);
    expect(await seedDemo({ prisma: db.prisma, notifier })).toBe(false);
    const project = await db.prisma.project.findUniqueOrThrow({
      where: { key: 'demo' },
      include: { environments: true },
    });
    expect(project.environments.map((environment) => environment.key).sort()).toEqual(['development', 'production']);
    expect(await db.prisma.flag.count({ where: { projectId: project.id } })).toBe(DEMO_FLAGS.length);
  });

  it('does not come back once deleted', async () => {
    const scratch = await openMigratedTestDatabase();
    const other = scratch.db;
    try {
      expect(await seedDemo({ prisma: other.prisma, notifier })).toBe(true);
      await other.prisma.project.delete({ where: { key: 'demo' } });
      expect(await seedDemo({ prisma: other.prisma, notifier })).toBe(false);
    } finally {
      await scratch.close();
    }
  });

  it('writes valid snapshots with the promised flags', async () => {
    for (const environmentKey of ['development', 'production']) {
      const snapshot = await snapshotOf(environmentKey);
      expect(() => snapshotSchema.parse(snapshot)).not.toThrow();
      expect(snapshot.flags.map((flag) => flag.key).sort()).toEqual([
        'checkout-copy',
        'dark-mode',
        'max-items',
        'new-checkout',
      ]);
      expect(snapshot.flags.filter((flag) => flag.clientSide).map((flag) => flag.key)).toEqual(['dark-mode']);
    }
  });

  it('rolls new-checkout out to about 25% in production and to everyone in development', async () => {
    const production = compileSnapshot(await snapshotOf('production'));
    const development = compileSnapshot(await snapshotOf('development'));
    const users = Array.from({ length: 4000 }, (_, index) => `user-${index}`);
    const share = (compiled: typeof production) =>
      users.filter((userId) => evaluate(compiled, 'new-checkout', { userId }, false).value === true).length /
      users.length;
    expect(share(production)).toBeGreaterThan(0.22);
    expect(share(production)).toBeLessThan(0.28);
    expect(share(development)).toBe(1);
  });

  it('splits checkout-copy 50/50 and gives Nordic countries more cart items', async () => {
    const development = compileSnapshot(await snapshotOf('development'));
    const variants = Array.from(
      { length: 4000 },
      (_, index) => evaluate(development, 'checkout-copy', { userId: `user-${index}` }, 'fallback').variant,
    );
    const urgent = variants.filter((variant) => variant === 'urgent').length / variants.length;
    expect(urgent).toBeGreaterThan(0.46);
    expect(urgent).toBeLessThan(0.54);
    expect(evaluate(development, 'max-items', { country: 'NO' }, 0).value).toBe(25);
    expect(evaluate(development, 'max-items', { country: 'DE' }, 0).value).toBe(10);
  });

  it('audits everything it wrote and moves the revisions accordingly', async () => {
    const audit = await db.prisma.auditEvent.findMany({ where: { actor: 'system:seed' }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => event.action)).toEqual([
      'project.created',
      'environment.created',
      'environment.created',
      ...DEMO_FLAGS.map(() => 'flag.created'),
    ]);
    const environments = await db.prisma.environment.findMany({ where: { project: { key: 'demo' } } });
    for (const environment of environments) {
      // one bump when created, one per flag
      expect(environment.revision).toBe(1 + DEMO_FLAGS.length);
      expect(await db.prisma.changeOutbox.count({ where: { environmentId: environment.id } })).toBe(
        environment.revision,
      );
    }
  });

  it('records its changes as the system, never as a token', async () => {
    const principals = await db.prisma.$queryRaw<{ actor_kind: string; actor_id: string; count: bigint }[]>`
      SELECT actor_kind::text AS actor_kind, actor_id, count(*) AS count FROM audit_events GROUP BY 1, 2`;
    expect(principals).toEqual([{ actor_kind: 'system', actor_id: 'seed', count: BigInt(3 + DEMO_FLAGS.length) }]);
    expect(SEED_ACTOR).toEqual({ kind: 'system', id: 'seed', display: 'system:seed' });
  });
});
