import type { PrismaClient } from '../../src/generated/prisma/client.js';

/**
 * Makes `copies` copies of flag `templateKey` (named `flag-00001`, `flag-00002`, …) with its
 * configuration in every environment, in one statement (creating thousands of flags through the
 * admin API would take minutes), then bumps every environment's revision so replicas rebuild.
 * Large-environment tests use it; the scale benchmark seeds the same way (server/bench/scale/seed.mjs).
 */
export async function copyFlag(prisma: PrismaClient, templateKey: string, copies: number): Promise<void> {
  await prisma.$executeRaw`
    WITH template AS (SELECT * FROM flags WHERE key = ${templateKey}),
    copies AS (
      INSERT INTO flags (id, project_id, key, name, description, type, variants, tags, client_side, salt, updated_at)
      SELECT gen_random_uuid(), t.project_id, 'flag-' || lpad(i::text, 5, '0'), 'flag-' || lpad(i::text, 5, '0'),
             t.description, t.type, t.variants, t.tags, t.client_side, t.salt, now()
      FROM template t, generate_series(1, ${copies}::int) AS i
      RETURNING id)
    INSERT INTO flag_configs (flag_id, environment_id, enabled, off_variant, default_serve, rules, prerequisites,
      updated_at)
    SELECT c.id, fc.environment_id, fc.enabled, fc.off_variant, fc.default_serve, fc.rules, fc.prerequisites, now()
    FROM copies c, flag_configs fc JOIN template t ON fc.flag_id = t.id`;
  await prisma.$executeRaw`UPDATE environments SET revision = revision + 1`;
}
