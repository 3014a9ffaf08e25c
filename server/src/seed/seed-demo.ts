import { flagSchema } from '@switchyard/core/schema';
import { systemPrincipal } from '../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../changes/index.js';
import type { Prisma } from '../generated/prisma/client.js';
import { DEMO_ENVIRONMENTS, DEMO_FLAGS, DEMO_PROJECT, demoCoreFlag } from './demo-data.js';

/** The seed's changes are the system's (kind `system`, id `seed`), never a token's. */
export const SEED_ACTOR = systemPrincipal('seed');

/** Prisma's JSON input type; core's interfaces are plain JSON but lack an index signature. */
const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * Seeds the `demo` project on a database's first start: when it holds no project and has no
 * audit history (so a demo deleted later never comes back). Everything is written in one
 * transaction through `recordChange`, so it is audited and the revisions are right; every flag is
 * checked against core's `flagSchema` first. Returns whether it seeded.
 */
export async function seedDemo(deps: ChangeDeps): Promise<boolean> {
  const [projects, auditEvents] = await Promise.all([deps.prisma.project.count(), deps.prisma.auditEvent.count()]);
  if (projects > 0 || auditEvents > 0) return false;

  const flags = DEMO_FLAGS.map((flag) => ({
    flag,
    core: Object.fromEntries(DEMO_ENVIRONMENTS.map(({ key }) => [key, flagSchema.parse(demoCoreFlag(flag, key))])),
  }));

  try {
    await inChangeTransaction(deps, async (tx, record) => {
      const project = await tx.project.create({ data: DEMO_PROJECT });
      await record({
        actor: SEED_ACTOR,
        projectId: project.id,
        action: 'project.created',
        targetType: 'project',
        targetKey: project.key,
        after: DEMO_PROJECT,
      });
      const environments = [];
      for (const { key, name } of DEMO_ENVIRONMENTS) {
        const environment = await tx.environment.create({ data: { projectId: project.id, key, name } });
        environments.push(environment);
        await record({
          actor: SEED_ACTOR,
          projectId: project.id,
          action: 'environment.created',
          targetType: 'environment',
          targetKey: key,
          environment: key,
          after: { key, name },
          affects: { environmentIds: [environment.id] },
        });
      }
      for (const { flag, core } of flags) {
        const row = await tx.flag.create({
          data: {
            projectId: project.id,
            key: flag.key,
            name: flag.name,
            description: flag.description,
            type: flag.type,
            variants: json(flag.variants),
            tags: flag.tags,
            clientSide: flag.clientSide,
          },
        });
        for (const environment of environments) {
          const config = flag.configs[environment.key as keyof typeof flag.configs];
          await tx.flagConfig.create({
            data: {
              flagId: row.id,
              environmentId: environment.id,
              enabled: config.enabled,
              offVariant: config.offVariant,
              defaultServe: json(config.defaultServe),
              rules: json(config.rules),
              prerequisites: json(config.prerequisites),
            },
          });
        }
        await record({
          actor: SEED_ACTOR,
          projectId: project.id,
          action: 'flag.created',
          targetType: 'flag',
          targetKey: flag.key,
          after: { name: flag.name, description: flag.description, tags: flag.tags, configs: core },
          affects: { environmentIds: environments.map((environment) => environment.id), flags: [flag.key] },
        });
      }
    });
  } catch (error) {
    // Another instance seeding at the same moment won the race: the demo exists, which is the goal.
    if (error instanceof Error && 'code' in error && error.code === 'P2002') return false;
    throw error;
  }
  return true;
}
