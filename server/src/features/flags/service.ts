import type { Variant } from '@switchyard/core';
import { flagSchema } from '@switchyard/core/schema';
import type { Actor } from '../../auth/principal.js';
import type { ChangeDeps } from '../../changes/index.js';
import { inChangeTransaction } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { badRequest, conflict, notFound, zodIssues } from '../../http/errors.js';
import { defaultFlagConfig } from '../projects/default-flag-config.js';
import { listEnvironments, requireProject } from '../projects/store.js';
import { environmentStatuses } from './environment-status.js';
import { listFlagPage } from './list-page.js';
import type {
  CreateFlagBody,
  FlagEnvironmentStatus,
  FlagResponse,
  ListFlagsQuery,
  SearchFlagsQuery,
  UpdateFlagBody,
} from './schemas.js';
import type { DbClient, FlagRow } from './store.js';
import {
  configStateOf,
  decodeCursor,
  encodeCursor,
  findDependentConfigs,
  findFlag,
  killedFromOf,
  listFlagConfigs,
  lockFlag,
  searchLiveFlags,
  toCoreFlag,
  variantsOf,
} from './store.js';
import { lastEvaluatedByFlag } from '../usage/store.js';
import {
  assertNoClientSideDependents,
  assertParentsClientSide,
  lockFlagWithParents,
} from './client-side-prerequisites.js';
import { variantReferences } from './variant-references.js';
import { assertNoCaseTwin } from '../../db/case-twin-keys.js';

/** Variants of a boolean flag created without any. */
export const DEFAULT_BOOLEAN_VARIANTS: Variant[] = [
  { key: 'on', value: true },
  { key: 'off', value: false },
];

/** The API view of a flag definition. */
export function toFlagResponse(row: FlagRow): FlagResponse {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    type: row.type,
    variants: variantsOf(row),
    tags: row.tags,
    clientSide: row.clientSide,
    salt: row.salt,
    archived: row.archivedAt !== null,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The flag with this key in the project, or a 404. */
export async function requireFlag(db: DbClient, projectId: string, flagKey: string): Promise<FlagRow> {
  const flag = await findFlag(db, projectId, flagKey);
  if (!flag) throw notFound(`Flag '${flagKey}' not found`);
  return flag;
}

/**
 * Locks the flag row (see `lockFlag`) and reads it again, so the caller works on the definition as
 * it is once no conflicting writer is running.
 */
export async function lockAndReadFlag(
  tx: Prisma.TransactionClient,
  flag: FlagRow,
  mode: 'update' | 'share',
): Promise<FlagRow> {
  await lockFlag(tx, flag.id, mode);
  const current = await tx.flag.findUnique({ where: { id: flag.id } });
  if (!current) throw notFound(`Flag '${flag.key}' not found`);
  return current;
}

/** 400 unless `variants` are valid for a flag of this type (keys unique, values of the type, …). */
function assertValidVariants(flag: Pick<FlagRow, 'key' | 'type' | 'salt' | 'clientSide'>, variants: Variant[]): void {
  const row = { ...flag, variants } as unknown as FlagRow;
  const parsed = flagSchema.safeParse(toCoreFlag(row, { ...defaultFlagConfig({ variants }), version: 1 }));
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, 'body');
    throw badRequest(`Invalid flag: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
  }
}

/** Flag definitions: create, read, list, update, archive, delete. */
export class FlagService {
  constructor(private readonly deps: ChangeDeps) {}

  async create(projectKey: string, body: CreateFlagBody, actor: Actor): Promise<FlagResponse> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const variants = body.variants ?? (body.type === 'boolean' ? DEFAULT_BOOLEAN_VARIANTS : undefined);
    if (!variants) {
      throw badRequest(`Invalid request: body.variants: ${body.type} flags need variants`, {
        issues: [{ path: 'body.variants', message: `${body.type} flags need variants` }],
      });
    }
    assertValidVariants(
      { key: body.key, type: body.type, salt: body.salt ?? null, clientSide: body.clientSide },
      variants,
    );
    const config = defaultFlagConfig({ variants });
    const row = await inChangeTransaction(this.deps, async (tx, record) => {
      await assertNoCaseTwin(tx, 'flag', project, body.key);
      if (await findFlag(tx, project.id, body.key)) {
        throw conflict(`Flag '${body.key}' already exists in project '${project.key}'`);
      }
      if (!body.clientSide) await assertNoClientSideDependents(tx, { projectId: project.id, key: body.key }, 'create');
      const created = await tx.flag.create({
        data: {
          projectId: project.id,
          key: body.key,
          name: body.name,
          description: body.description,
          type: body.type,
          variants: variants as unknown as Prisma.InputJsonValue,
          tags: body.tags,
          clientSide: body.clientSide,
          salt: body.salt ?? null,
        },
      });
      const environments = await listEnvironments(tx, project.id);
      await tx.flagConfig.createMany({
        data: environments.map((environment) => ({
          flagId: created.id,
          environmentId: environment.id,
          enabled: config.enabled,
          offVariant: config.offVariant,
          defaultServe: config.defaultServe as unknown as Prisma.InputJsonValue,
          rules: config.rules as unknown as Prisma.InputJsonValue,
          prerequisites: config.prerequisites as unknown as Prisma.InputJsonValue,
        })),
      });
      await record({
        actor,
        projectId: project.id,
        action: 'flag.created',
        targetType: 'flag',
        targetKey: created.key,
        after: toFlagResponse(created),
        affects: { environmentIds: environments.map((environment) => environment.id), flags: [created.key] },
      });
      return created;
    });
    return toFlagResponse(row);
  }

  async get(projectKey: string, flagKey: string) {
    const project = await requireProject(this.deps.prisma, projectKey);
    const flag = await requireFlag(this.deps.prisma, project.id, flagKey);
    const configs = await listFlagConfigs(this.deps.prisma, flag.id);
    const usage = await lastEvaluatedByFlag(this.deps.prisma, [flag.id]);
    return {
      ...toFlagResponse(flag),
      lastEvaluatedAt: usage.get(flag.id)?.toISOString() ?? null,
      environments: configs
        .map((config) => ({
          environment: config.environment.key,
          enabled: config.enabled,
          version: config.version,
          killed: config.killedFrom !== null,
        }))
        .sort((a, b) => a.environment.localeCompare(b.environment)),
    };
  }

  async list(
    projectKey: string,
    query: ListFlagsQuery,
  ): Promise<{
    items: (FlagResponse & { lastEvaluatedAt: string | null; environments?: FlagEnvironmentStatus[] })[];
    nextCursor: string | null;
    total: number;
  }> {
    if (query.cursor !== undefined && query.offset !== undefined) {
      throw badRequest('Use either cursor or offset, not both', {
        issues: [{ path: 'querystring.offset', message: 'cannot be combined with cursor' }],
      });
    }
    const afterKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (afterKey === null) {
      throw badRequest('Invalid cursor; pass the nextCursor of a previous page', {
        issues: [{ path: 'querystring.cursor', message: 'is not a cursor returned by this endpoint' }],
      });
    }
    const project = await requireProject(this.deps.prisma, projectKey);
    const { cursor: _cursor, ...filters } = query;
    const { rows, hasMore, total } = await listFlagPage(this.deps.prisma, project.id, {
      ...filters,
      ...(afterKey === undefined ? {} : { afterKey }),
    });
    const last = rows.at(-1)?.flag;
    const items = rows.map((row) => ({
      ...toFlagResponse(row.flag),
      lastEvaluatedAt: row.lastEvaluatedAt?.toISOString() ?? null,
      ...(row.environments ? { environments: row.environments } : {}),
    }));
    return { items, nextCursor: hasMore && last ? encodeCursor(last.key) : null, total };
  }

  /** Live flags of every project matching `q`, each with its state in every environment (incident search). */
  /** Live flags matching `query` in the projects `mayRead` accepts (the caller's rights). */
  async search(query: SearchFlagsQuery, mayRead: (projectId: string) => boolean) {
    const projects = await this.deps.prisma.project.findMany({ select: { id: true } });
    const readable = projects.map((project) => project.id).filter(mayRead);
    const rows = await searchLiveFlags(this.deps.prisma, query.q, query.limit, readable);
    const statuses = await environmentStatuses(
      this.deps.prisma,
      rows.map((row) => row.id),
    );
    return {
      items: rows.map((row) => ({
        ...toFlagResponse(row),
        project: row.project.key,
        environments: statuses.get(row.id) ?? [],
      })),
    };
  }

  async update(projectKey: string, flagKey: string, body: UpdateFlagBody, actor: Actor): Promise<FlagResponse> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const found = await requireFlag(this.deps.prisma, project.id, flagKey);
    if (body.variants) assertValidVariants(found, body.variants);
    const row = await inChangeTransaction(this.deps, async (tx, record) => {
      // Making it client-side checks its prerequisites: those are locked too (see lockFlagWithParents).
      const flag =
        body.clientSide === true ? await lockFlagWithParents(tx, found) : await lockAndReadFlag(tx, found, 'update');
      if (body.variants) await assertVariantsUnreferenced(tx, flag, body.variants);
      // An archived flag is in no snapshot: unarchiving it checks its prerequisites. An archived
      // parent still counts: unarchiving it would bring it back to its live dependents' snapshots.
      if (body.clientSide === true && !flag.clientSide && flag.archivedAt === null) {
        await assertParentsClientSide(tx, flag, 'make');
      }
      if (body.clientSide === false && flag.clientSide) {
        await assertNoClientSideDependents(tx, flag, 'make-server-only');
      }
      const updated = await tx.flag.update({
        where: { id: flag.id },
        data: {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.tags === undefined ? {} : { tags: body.tags }),
          ...(body.clientSide === undefined ? {} : { clientSide: body.clientSide }),
          ...(body.variants === undefined ? {} : { variants: body.variants as unknown as Prisma.InputJsonValue }),
        },
      });
      // Name, description and tags are not in snapshots; variants and clientSide are, for live flags.
      const seenBySdks = (body.variants !== undefined || body.clientSide !== undefined) && flag.archivedAt === null;
      await record({
        actor,
        projectId: project.id,
        action: 'flag.updated',
        targetType: 'flag',
        targetKey: flag.key,
        before: toFlagResponse(flag),
        after: toFlagResponse(updated),
        ...(seenBySdks ? { affects: await allEnvironments(tx, project.id, flag.key) } : {}),
      });
      return updated;
    });
    return toFlagResponse(row);
  }

  /** Takes the flag out of every SDK snapshot; refused while live flags list it as a prerequisite. */
  async archive(projectKey: string, flagKey: string, actor: Actor): Promise<FlagResponse> {
    return this.#setArchived(projectKey, flagKey, true, actor);
  }

  /** Brings the flag back to SDK snapshots; a client-side flag only if its prerequisites are client-side. */
  async unarchive(projectKey: string, flagKey: string, actor: Actor): Promise<FlagResponse> {
    return this.#setArchived(projectKey, flagKey, false, actor);
  }

  async #setArchived(projectKey: string, flagKey: string, archive: boolean, actor: Actor): Promise<FlagResponse> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const found = await requireFlag(this.deps.prisma, project.id, flagKey);
    const row = await inChangeTransaction(this.deps, async (tx, record) => {
      const flag = archive ? await lockAndReadFlag(tx, found, 'update') : await lockFlagWithParents(tx, found);
      if ((flag.archivedAt !== null) === archive) {
        throw conflict(`Flag '${flag.key}' is ${archive ? 'already' : 'not'} archived`);
      }
      if (!archive && flag.clientSide) await assertParentsClientSide(tx, flag, 'unarchive');
      if (archive) {
        const dependents = await findDependentConfigs(tx, project.id, flag.key, { liveOnly: true });
        if (dependents.length > 0) {
          const where = dependents.map((dependent) => `'${dependent.flagKey}' in ${dependent.environmentKey}`);
          throw conflict(`Flag '${flag.key}' is a prerequisite of ${where.join(', ')}; remove those first`, {
            dependents: dependents.map(({ flagKey: dependent, environmentKey }) => ({
              flag: dependent,
              environment: environmentKey,
            })),
          });
        }
      }
      const updated = await tx.flag.update({
        where: { id: flag.id },
        data: { archivedAt: archive ? new Date() : null },
      });
      await record({
        actor,
        projectId: project.id,
        action: archive ? 'flag.archived' : 'flag.unarchived',
        targetType: 'flag',
        targetKey: flag.key,
        before: toFlagResponse(flag),
        after: toFlagResponse(updated),
        affects: await allEnvironments(tx, project.id, flag.key),
      });
      return updated;
    });
    return toFlagResponse(row);
  }

  /** Deletes an archived flag and its configurations (archived flags are in no snapshot). */
  async delete(projectKey: string, flagKey: string, actor: Actor): Promise<void> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const found = await requireFlag(this.deps.prisma, project.id, flagKey);
    await inChangeTransaction(this.deps, async (tx, record) => {
      const flag = await lockAndReadFlag(tx, found, 'update');
      if (flag.archivedAt === null) throw conflict(`Flag '${flag.key}' is not archived; archive it before deleting it`);
      await tx.flag.delete({ where: { id: flag.id } });
      await record({
        actor,
        projectId: project.id,
        action: 'flag.deleted',
        targetType: 'flag',
        targetKey: flag.key,
        before: toFlagResponse(flag),
      });
    });
  }
}

/** `affects` for a change to a flag's definition: every environment of the project. */
async function allEnvironments(tx: Prisma.TransactionClient, projectId: string, flagKey: string) {
  const environments = await listEnvironments(tx, projectId);
  return { environmentIds: environments.map((environment) => environment.id), flags: [flagKey] };
}

/**
 * 409 when `variants` drops a variant that is still used: by this flag's configuration in some
 * environment (including a configuration saved by a kill, which `restore` brings back), or by a
 * prerequisite of another flag.
 */
async function assertVariantsUnreferenced(tx: Prisma.TransactionClient, flag: FlagRow, variants: Variant[]) {
  const kept = new Set(variants.map((variant) => variant.key));
  const removed = new Set(
    variantsOf(flag)
      .map((variant) => variant.key)
      .filter((key) => !kept.has(key)),
  );
  if (removed.size === 0) return;
  const uses: { variant: string; environment: string; where: string }[] = [];
  for (const config of await listFlagConfigs(tx, flag.id)) {
    const states = [{ state: configStateOf(config), prefix: '' }];
    const killedFrom = killedFromOf(config);
    if (killedFrom) states.push({ state: killedFrom, prefix: 'killedFrom.' });
    for (const { state, prefix } of states) {
      for (const reference of variantReferences(state)) {
        if (removed.has(reference.variant)) {
          uses.push({
            variant: reference.variant,
            environment: config.environment.key,
            where: prefix + reference.field,
          });
        }
      }
    }
  }
  for (const dependent of await findDependentConfigs(tx, flag.projectId, flag.key)) {
    for (const prerequisite of dependent.prerequisites) {
      if (prerequisite.flagKey !== flag.key) continue;
      for (const variant of prerequisite.variants.filter((key) => removed.has(key))) {
        uses.push({
          variant,
          environment: dependent.environmentKey,
          where: `prerequisite of flag '${dependent.flagKey}'`,
        });
      }
    }
  }
  if (uses.length > 0) {
    const named = uses.slice(0, 5).map((use) => `'${use.variant}' (${use.environment}: ${use.where})`);
    throw conflict(`Cannot remove variants still in use: ${named.join(', ')}${uses.length > 5 ? ', …' : ''}`, { uses });
  }
}
