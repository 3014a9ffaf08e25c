import type { Variant } from '@switchyard/core';
import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { conflict } from '../../http/errors.js';
import type { RevocationAnnouncer } from '../../propagation/revocation-message.js';
import type { TokenAuthenticator } from '../tokens/authenticator.js';
import { defaultFlagConfig } from './default-flag-config.js';
import type { EnvironmentView, ProjectDetailView, ProjectView, UpdateEnvironmentInput } from './schemas.js';
import * as store from './store.js';
import { environmentView, projectView } from './views.js';

export interface ProjectsServiceDeps extends ChangeDeps {
  /** Deleting a project or environment deletes its tokens; cached verifications must go too. */
  authenticator?: TokenAuthenticator;
  /** Ends the deleted environments' SDK streams and cached verifications on every replica. */
  revocations?: RevocationAnnouncer;
}

/**
 * Projects and their environments. Business rules: keys are immutable; a project that holds flags
 * or segments, or an environment of a project that holds flags, is only deleted with `force`; a
 * new environment gets the default configuration of every flag of its project.
 */
export class ProjectsService {
  constructor(private readonly deps: ProjectsServiceDeps) {}

  /** Every project, or (`visible` given) those it accepts (the projects a caller may read). */
  async listProjects(visible?: (projectId: string) => boolean): Promise<ProjectView[]> {
    const rows = await store.listProjects(this.deps.prisma);
    return (visible ? rows.filter((row) => visible(row.id)) : rows).map(projectView);
  }

  async getProject(key: string): Promise<ProjectDetailView> {
    const project = await store.requireProject(this.deps.prisma, key);
    const environments = await store.listEnvironments(this.deps.prisma, project.id);
    return { ...projectView(project), environments: environments.map(environmentView) };
  }

  async createProject(actor: Actor, input: { key: string; name: string; description: string }): Promise<ProjectView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      if (await store.findProject(tx, input.key)) throw conflict(`Project '${input.key}' already exists`);
      const project = await store.insertProject(tx, input);
      const view = projectView(project);
      await record({
        actor,
        projectId: project.id,
        action: 'project.created',
        targetType: 'project',
        targetKey: project.key,
        after: view,
      });
      return view;
    });
  }

  async updateProject(actor: Actor, key: string, input: { name?: string; description?: string }): Promise<ProjectView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const before = await store.requireProject(tx, key);
      const after = await store.updateProject(tx, before.id, input);
      const view = projectView(after);
      await record({
        actor,
        projectId: before.id,
        action: 'project.updated',
        targetType: 'project',
        targetKey: key,
        before: projectView(before),
        after: view,
      });
      return view;
    });
  }

  async deleteProject(actor: Actor, key: string, options: { force: boolean }): Promise<void> {
    const environmentIds = await inChangeTransaction(this.deps, async (tx, record) => {
      const project = await store.requireProject(tx, key);
      const contents = await store.countProjectContents(tx, project.id);
      if (!options.force && (contents.flags > 0 || contents.segments > 0)) {
        throw conflict(
          `Project '${key}' still has ${contents.flags} flag(s) and ${contents.segments} segment(s); ` +
            'delete them first or repeat with ?force=true to delete everything in it',
          contents,
        );
      }
      const environments = await store.listEnvironments(tx, project.id);
      await store.deleteProject(tx, project.id);
      await record({
        actor,
        projectId: project.id,
        action: 'project.deleted',
        targetType: 'project',
        targetKey: key,
        before: { ...projectView(project), environments: environments.map((env) => env.key), ...contents },
      });
      return environments.map((env) => env.id);
    });
    this.deps.authenticator?.invalidate();
    await this.deps.revocations?.announce({ tokenIds: [], environmentIds });
  }

  async listEnvironments(projectKey: string): Promise<EnvironmentView[]> {
    const project = await store.requireProject(this.deps.prisma, projectKey);
    return (await store.listEnvironments(this.deps.prisma, project.id)).map(environmentView);
  }

  async getEnvironment(projectKey: string, key: string): Promise<EnvironmentView> {
    const project = await store.requireProject(this.deps.prisma, projectKey);
    return environmentView(await store.requireEnvironment(this.deps.prisma, project, key));
  }

  /** Creates the environment and a default (disabled) configuration for every flag of the project. */
  async createEnvironment(
    actor: Actor,
    projectKey: string,
    input: { key: string; name: string; protected?: boolean; protectedRole?: string },
  ): Promise<EnvironmentView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const project = await store.requireProject(tx, projectKey);
      if (await store.findEnvironment(tx, project.id, input.key)) {
        throw conflict(`Environment '${input.key}' already exists in project '${projectKey}'`);
      }
      const environment = await store.insertEnvironment(tx, { projectId: project.id, ...input });
      const flags = await store.listFlagsForDefaults(tx, project.id);
      await store.insertFlagConfigs(
        tx,
        flags.map((flag) => ({
          flagId: flag.id,
          environmentId: environment.id,
          ...defaultFlagConfig({ variants: flag.variants as unknown as Variant[] }),
        })),
      );
      const change = await record({
        actor,
        projectId: project.id,
        action: 'environment.created',
        targetType: 'environment',
        targetKey: environment.key,
        environment: environment.key,
        after: environmentView(environment),
        affects: {
          environmentIds: [environment.id],
          flags: flags.filter((flag) => flag.archivedAt === null).map((flag) => flag.key),
        },
      });
      return { ...environmentView(environment), revision: change.revisions[0]?.revision ?? environment.revision };
    });
  }

  /**
   * Renames an environment and/or changes its protection. A change of protection moves the
   * environment's revision: it is a committed change every replica hears of (their scope caches,
   * auth/scopes.ts, drop the environment), although SDK snapshots do not change.
   */
  async updateEnvironment(
    actor: Actor,
    projectKey: string,
    key: string,
    input: UpdateEnvironmentInput,
  ): Promise<EnvironmentView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const project = await store.requireProject(tx, projectKey);
      const before = await store.requireEnvironment(tx, project, key);
      const updated = await store.updateEnvironment(tx, before.id, input);
      const after = environmentView(updated);
      const protectionChanged =
        updated.protected !== before.protected || updated.protectedRole !== before.protectedRole;
      const change = await record({
        actor,
        projectId: project.id,
        action: protectionChanged ? 'environment.protection_changed' : 'environment.updated',
        targetType: 'environment',
        targetKey: key,
        environment: key,
        before: environmentView(before),
        after,
        ...(protectionChanged ? { affects: { environmentIds: [before.id] } } : {}),
      });
      return { ...after, revision: change.revisions[0]?.revision ?? after.revision };
    });
  }

  async deleteEnvironment(actor: Actor, projectKey: string, key: string, options: { force: boolean }): Promise<void> {
    const environmentId = await inChangeTransaction(this.deps, async (tx, record) => {
      const project = await store.requireProject(tx, projectKey);
      const environment = await store.requireEnvironment(tx, project, key);
      const { flags } = await store.countProjectContents(tx, project.id);
      if (!options.force && flags > 0) {
        throw conflict(
          `Environment '${key}' holds the configuration of ${flags} flag(s) of project '${projectKey}'; ` +
            'repeat with ?force=true to delete it anyway',
          { flags },
        );
      }
      await store.deleteEnvironment(tx, environment.id);
      await record({
        actor,
        projectId: project.id,
        action: 'environment.deleted',
        targetType: 'environment',
        targetKey: key,
        environment: key,
        before: environmentView(environment),
      });
      return environment.id;
    });
    this.deps.authenticator?.invalidate();
    await this.deps.revocations?.announce({ tokenIds: [], environmentIds: [environmentId] });
  }
}
