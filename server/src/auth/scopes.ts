import type { PrismaClient } from '../generated/prisma/client.js';
import type { AccessScope, EnvironmentAccess } from './authorize.js';
import { PROJECT_ROLES, type ProjectRole } from './principal.js';

interface CachedProject {
  id: string;
  /** environment key → its id and protection */
  environments: Map<string, EnvironmentAccess & { id: string }>;
  expiresAt: number;
}

export interface ScopeCacheOptions {
  /** Safety net for a lost invalidation (a bus message missed): entries are read again after this. */
  ttlMs?: number;
  now?: () => number;
}

const MAX_PROJECTS = 10_000;

/**
 * Turns a route's `:project` and `:environment` keys into what authorization needs: the project's
 * id and the environment's protection. Cached per replica (a project and all its environments per
 * entry; unknown keys are never cached, so a project or environment created a moment ago is found).
 * Entries are dropped from committed changes, never from service calls: app.ts calls
 * `forgetEnvironments` for every local change event and revocation, and `forgetProject` for every
 * change message another replica publishes (changes to an environment's protection move its
 * revision, so they travel like any other change). `ttlMs` bounds the staleness if one is lost.
 */
export class ScopeCache {
  readonly #prisma: PrismaClient;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #projects = new Map<string, CachedProject>();
  /** Bumped by every invalidation: a read that started before one must not be cached. */
  #generation = 0;

  constructor(prisma: PrismaClient, options: ScopeCacheOptions = {}) {
    this.#prisma = prisma;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** The scope of `projectKey` (and `environmentKey`): `projectId` null when there is no such project. */
  async resolve(projectKey: string, environmentKey?: string): Promise<AccessScope> {
    let project = this.#fresh(projectKey);
    if (!project || (environmentKey !== undefined && !project.environments.has(environmentKey))) {
      project = await this.#read(projectKey);
    }
    if (!project) return { projectId: null };
    const environment = environmentKey === undefined ? undefined : project.environments.get(environmentKey);
    return environment ? { projectId: project.id, environment } : { projectId: project.id };
  }

  /** Drops the projects holding any of these environments (changed, or deleted). */
  forgetEnvironments(environmentIds: readonly string[]): void {
    if (environmentIds.length === 0) return;
    const ids = new Set(environmentIds);
    this.#generation++;
    for (const [key, project] of this.#projects) {
      for (const environment of project.environments.values()) {
        if (ids.has(environment.id)) {
          this.#projects.delete(key);
          break;
        }
      }
    }
  }

  /** Drops one project (a change message named it). */
  forgetProject(projectKey: string): void {
    this.#generation++;
    this.#projects.delete(projectKey);
  }

  /** Drops everything. */
  clear(): void {
    this.#generation++;
    this.#projects.clear();
  }

  #fresh(projectKey: string): CachedProject | undefined {
    const project = this.#projects.get(projectKey);
    if (project && project.expiresAt > this.#now()) return project;
    if (project) this.#projects.delete(projectKey);
    return undefined;
  }

  async #read(projectKey: string): Promise<CachedProject | undefined> {
    const generation = this.#generation;
    const row = await this.#prisma.project.findUnique({
      where: { key: projectKey },
      select: {
        id: true,
        environments: { select: { id: true, key: true, protected: true, protectedRole: true } },
      },
    });
    if (!row) return undefined;
    const project: CachedProject = {
      id: row.id,
      environments: new Map(
        row.environments.map((env) => [
          env.key,
          { id: env.id, protected: env.protected, protectedRole: asProjectRole(env.protectedRole) },
        ]),
      ),
      expiresAt: this.#now() + this.#ttlMs,
    };
    if (generation === this.#generation) {
      if (this.#projects.size >= MAX_PROJECTS) this.#projects.clear();
      this.#projects.set(projectKey, project);
    }
    return project;
  }
}

/** A role column's value (CHECK-constrained in the database); anything else is treated as `admin`, the safest. */
export function asProjectRole(value: string): ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(value) ? (value as ProjectRole) : 'admin';
}
