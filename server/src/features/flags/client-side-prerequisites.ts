import { Prisma } from '../../generated/prisma/client.js';
import { conflict, notFound } from '../../http/errors.js';
import type { FlagRow } from './store.js';
import { findDependentConfigs, listFlagConfigs } from './store.js';

/*
 * The rule: a live client-side flag lists only client-side flags as prerequisites, in every
 * environment (archived ones too: unarchiving one would bring it back as it is). Browsers (client tokens) receive client-side flags only (core's `toClientSnapshot`),
 * so a server-only parent never reaches them and the browser SDK would evaluate the child to its
 * off variant (reason ERROR) while server SDKs give the real answer: the same user, two answers.
 *
 * It is checked where an edge or an exposure changes, under row locks that serialize the writes
 * that could together break it (READ COMMITTED: each check reads after its locks are granted):
 * - a configuration PUT of a client-side flag (flag-config's `validateConfig`, 400): it holds the
 *   child FOR SHARE and the parents FOR SHARE;
 * - making a flag client-side, or unarchiving a client-side flag (409): `lockFlagWithParents`
 *   holds the flag FOR UPDATE and its parents FOR SHARE;
 * - making a flag server-only, archived or not (409): the flag FOR UPDATE (as every definition
 *   change takes it).
 * Each pair of these conflicts on the parent's row (SHARE vs UPDATE) or on the child's, so the
 * second waits for the first to commit and then sees its result.
 */

/** The keys of the flags that `flagId`'s configurations (any environment) list as prerequisites. */
function parentKeys(flagId: string): Prisma.Sql {
  return Prisma.sql`SELECT prerequisite.value->>'flagKey' FROM flag_configs c
    CROSS JOIN LATERAL jsonb_array_elements(c.prerequisites) AS prerequisite(value)
    WHERE c.flag_id = ${flagId}::uuid`;
}

/**
 * Locks `flag` FOR UPDATE and the flags its configurations list as prerequisites FOR SHARE, all in
 * id order (so two of these, whatever their flags, cannot deadlock: one waits for the other), and
 * reads the flag again. The parents are read before the flag is locked, so a prerequisite added in
 * between (a configuration write that committed just before) is locked last, out of order.
 */
export async function lockFlagWithParents(tx: Prisma.TransactionClient, flag: FlagRow): Promise<FlagRow> {
  const parents = Prisma.sql`project_id = ${flag.projectId}::uuid AND key IN (${parentKeys(flag.id)})`;
  await tx.$queryRaw`SELECT id FROM flags WHERE ${parents} AND id < ${flag.id}::uuid ORDER BY id FOR SHARE`;
  await tx.$queryRaw`SELECT id FROM flags WHERE id = ${flag.id}::uuid FOR UPDATE`;
  // With the flag locked its prerequisites cannot change (configuration writes take it FOR SHARE).
  await tx.$queryRaw`SELECT id FROM flags WHERE ${parents} AND id <> ${flag.id}::uuid ORDER BY id FOR SHARE`;
  const current = await tx.flag.findUnique({ where: { id: flag.id } });
  if (!current) throw notFound(`Flag '${flag.key}' not found`);
  return current;
}

/**
 * 409 when a prerequisite of `flag`, in some environment, is a flag that is not client-side.
 * Call it with the flag and its parents locked (`lockFlagWithParents`). Parents that are missing
 * or archived are not this rule's business.
 */
export async function assertParentsClientSide(
  tx: Prisma.TransactionClient,
  flag: FlagRow,
  action: 'make' | 'unarchive',
): Promise<void> {
  const configs = await listFlagConfigs(tx, flag.id);
  const keys = [...new Set(configs.flatMap((config) => prerequisiteKeysOf(config.prerequisites)))];
  if (keys.length === 0) return;
  const serverOnly = new Set(
    (
      await tx.flag.findMany({
        where: { projectId: flag.projectId, key: { in: keys }, clientSide: false },
        select: { key: true },
      })
    ).map((parent) => parent.key),
  );
  // parent key → the environments where `flag` lists it
  const offending = new Map<string, Set<string>>();
  for (const config of configs) {
    for (const key of prerequisiteKeysOf(config.prerequisites).filter((parent) => serverOnly.has(parent))) {
      offending.set(key, (offending.get(key) ?? new Set()).add(config.environment.key));
    }
  }
  if (offending.size === 0) return;
  const parents = [...offending]
    .map(([key, environments]) => [key, [...environments].sort()] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  const named = parents.map(([key, environments]) => `'${key}' (${environments.join(', ')})`).join(', ');
  const [noun, verb, pronoun] = parents.length > 1 ? ['prerequisites', 'are', 'them'] : ['prerequisite', 'is', 'it'];
  const what =
    action === 'make'
      ? `Flag '${flag.key}' cannot be made client-side`
      : `Client-side flag '${flag.key}' cannot be unarchived`;
  throw conflict(
    `${what}: its ${noun} ${named} ${verb} not client-side, so browsers would never receive ${pronoun} and would ` +
      `evaluate '${flag.key}' to its off variant. Make ${pronoun} client-side` +
      `${action === 'unarchive' ? `, make '${flag.key}' server-only` : ''} or remove the ${noun} first`,
    {
      prerequisites: parents.flatMap(([key, environments]) =>
        environments.map((environment) => ({ flag: key, environment })),
      ),
    },
  );
}

/**
 * 409 when a live client-side flag lists `flag` as a prerequisite in some environment: the flag is
 * about to stop being client-side, or to be created server-only under a key such a flag lists
 * (possible once the parent it meant was archived, then deleted). Call it with the flag locked
 * FOR UPDATE: new dependents (configuration writes, flags made client-side or unarchived) take it
 * FOR SHARE, so none appear.
 */
export async function assertNoClientSideDependents(
  tx: Prisma.TransactionClient,
  flag: Pick<FlagRow, 'projectId' | 'key'>,
  action: 'make-server-only' | 'create',
): Promise<void> {
  const dependents = await findDependentConfigs(tx, flag.projectId, flag.key, { liveOnly: true, clientSideOnly: true });
  if (dependents.length === 0) return;
  const where = dependents.map((dependent) => `'${dependent.flagKey}' in ${dependent.environmentKey}`).join(', ');
  const what =
    action === 'make-server-only'
      ? `Flag '${flag.key}' cannot stop being client-side: it is a prerequisite of client-side ${where}`
      : `Flag '${flag.key}' must be created client-side: client-side ${where} list${dependents.length > 1 ? '' : 's'} ` +
        'it as a prerequisite';
  throw conflict(
    `${what}, which browsers would then evaluate to their off variant. ` +
      'Remove the prerequisite, or make those flags server-only first',
    {
      dependents: dependents.map(({ flagKey, environmentKey }) => ({ flag: flagKey, environment: environmentKey })),
    },
  );
}

function prerequisiteKeysOf(prerequisites: unknown): string[] {
  return (prerequisites as { flagKey: string }[]).map((prerequisite) => prerequisite.flagKey);
}
