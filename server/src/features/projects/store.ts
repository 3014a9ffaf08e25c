import type { Prisma } from '../../generated/prisma/client.js';
import type { FlagConfigDefaults } from './default-flag-config.js';
import { notFound } from '../../http/errors.js';

/** Stores take a transaction or the client itself (`PrismaClient` is assignable to this). */
type Tx = Prisma.TransactionClient;

export const projectColumns = {
  id: true,
  key: true,
  name: true,
  description: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.ProjectSelect;
export type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectColumns }>;

export const environmentColumns = {
  id: true,
  projectId: true,
  key: true,
  name: true,
  revision: true,
  protected: true,
  protectedRole: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.EnvironmentSelect;
export type EnvironmentRow = Prisma.EnvironmentGetPayload<{ select: typeof environmentColumns }>;

export function listProjects(tx: Tx): Promise<ProjectRow[]> {
  return tx.project.findMany({ select: projectColumns, orderBy: { key: 'asc' } });
}

export function findProject(tx: Tx, key: string): Promise<ProjectRow | null> {
  return tx.project.findUnique({ where: { key }, select: projectColumns });
}

/** The project with `key`, or a 404. */
export async function requireProject(tx: Tx, key: string): Promise<ProjectRow> {
  const project = await findProject(tx, key);
  if (!project) throw notFound(`Project '${key}' not found`);
  return project;
}

export function insertProject(tx: Tx, data: { key: string; name: string; description: string }): Promise<ProjectRow> {
  return tx.project.create({ data, select: projectColumns });
}

export function updateProject(
  tx: Tx,
  id: string,
  data: { name?: string | undefined; description?: string | undefined },
): Promise<ProjectRow> {
  return tx.project.update({ where: { id }, data, select: projectColumns });
}

export async function deleteProject(tx: Tx, id: string): Promise<void> {
  await tx.project.delete({ where: { id } });
}

/** What a project holds that a plain delete must not take with it. */
export async function countProjectContents(tx: Tx, projectId: string): Promise<{ flags: number; segments: number }> {
  const [flags, segments] = await Promise.all([
    tx.flag.count({ where: { projectId } }),
    tx.segment.count({ where: { projectId } }),
  ]);
  return { flags, segments };
}

export function listEnvironments(tx: Tx, projectId: string): Promise<EnvironmentRow[]> {
  return tx.environment.findMany({ where: { projectId }, select: environmentColumns, orderBy: { createdAt: 'asc' } });
}

export function findEnvironment(tx: Tx, projectId: string, key: string): Promise<EnvironmentRow | null> {
  return tx.environment.findUnique({ where: { projectId_key: { projectId, key } }, select: environmentColumns });
}

/** The environment `key` of a project, or a 404 naming both keys. */
export async function requireEnvironment(
  tx: Tx,
  project: { id: string; key: string },
  key: string,
): Promise<EnvironmentRow> {
  const environment = await findEnvironment(tx, project.id, key);
  if (!environment) throw notFound(`Environment '${key}' not found in project '${project.key}'`);
  return environment;
}

export function insertEnvironment(
  tx: Tx,
  data: { projectId: string; key: string; name: string; protected?: boolean; protectedRole?: string },
): Promise<EnvironmentRow> {
  return tx.environment.create({ data, select: environmentColumns });
}

export function updateEnvironment(
  tx: Tx,
  id: string,
  data: { name?: string | undefined; protected?: boolean | undefined; protectedRole?: string | undefined },
): Promise<EnvironmentRow> {
  return tx.environment.update({ where: { id }, data, select: environmentColumns });
}

export async function deleteEnvironment(tx: Tx, id: string): Promise<void> {
  await tx.environment.delete({ where: { id } });
}

/** Every flag of a project with what `defaultFlagConfig` needs. */
export function listFlagsForDefaults(tx: Tx, projectId: string) {
  return tx.flag.findMany({
    where: { projectId },
    select: { id: true, key: true, variants: true, archivedAt: true },
    orderBy: { key: 'asc' },
  });
}

/** Inserts flag configurations (e.g. `defaultFlagConfig` results) in one statement. */
export async function insertFlagConfigs(
  tx: Tx,
  rows: (FlagConfigDefaults & { flagId: string; environmentId: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.flagConfig.createMany({
    data: rows.map((row) => ({
      ...row,
      // core's types are plain JSON, but interfaces lack the index signature Prisma's JSON type wants.
      defaultServe: row.defaultServe as unknown as Prisma.InputJsonValue,
    })),
  });
}
