import type { InstanceRole, ProjectRole } from './principal.js';

/**
 * Every action a route can declare (`config: { access: '<action>' }`) and who may take it. The one
 * permission list of the server: `authorize.ts` reads it, the auth plugin checks every route names
 * one, the access-matrix test (server/test/authorization.test.ts) has its own table to compare.
 *
 * Converting a route that still says `config: { auth: … }` (written before issue 13):
 * - `auth: 'public'` → `access: 'public'`;
 * - `auth: 'sdk'`    → `access: 'sdk'`;
 * - `auth: 'admin'`  → what the handler does, by the route's scope:
 *     reads under /projects/:project → `project.read`; flag/rollout/targeting writes → `flags.write`;
 *     kill and restore → `flags.kill`; segment writes → `segments.write`; project settings,
 *     environments → `project.admin`; members → `members.manage`; tokens → `tokens.manage`;
 *     the instance-wide audit log → `audit.read`; a route outside any project that only an
 *     instance admin may use → `instance.admin`;
 *     a route any signed-in caller may use (own profile, lists filtered by rights) → `authenticated`.
 *   When unsure, `instance.admin` is the safe choice (owners and instance admins only).
 *
 * Roles (principal.ts): project `viewer < responder < editor < admin`; instance `owner`, `admin`
 * (every project action in every project). A grant on project `*` counts in every project.
 *
 * Protected environments: `flags.write` on a route with `:environment` needs, in an environment
 * marked protected, at least that environment's `protectedRole` (default `admin`) as well as
 * `editor`; `flags.kill` stays open to responders and up there, so the on-call person can always
 * stop a feature.
 */
export type AccessRule =
  /** No authentication at all (health, metrics, docs). */
  | { scope: 'public' }
  /** A server or client SDK token (its environment comes from the token, never from the URL). */
  | { scope: 'sdk' }
  /** Any signed-in user or admin-kind token, whatever its roles (the handler filters by rights). */
  | { scope: 'authenticated' }
  /** An instance role, or (`wildcardRole`) a grant of at least that role on every project (`*`). */
  | { scope: 'instance'; roles: readonly InstanceRole[]; wildcardRole?: ProjectRole }
  /** A project role in the project of the route's `:project`; raised in protected environments if `protectable`. */
  | { scope: 'project'; role: ProjectRole; protectable: boolean }
  /** A project role in at least one project (the handler checks which; e.g. minting a project's tokens). */
  | { scope: 'any-project'; role: ProjectRole };

const INSTANCE: readonly InstanceRole[] = ['owner', 'admin'];

export const PERMISSIONS = {
  public: { scope: 'public' },
  sdk: { scope: 'sdk' },
  authenticated: { scope: 'authenticated' },
  /** Users of the instance: list and read. */
  'users.read': { scope: 'instance', roles: INSTANCE },
  /** Users of the instance: create, disable, change instance roles. */
  'users.manage': { scope: 'instance', roles: INSTANCE },
  /** Anything outside a project that only owners and instance admins do. */
  'instance.admin': { scope: 'instance', roles: INSTANCE },
  /** The audit log of the whole instance: instance admins, and viewers of every project. */
  'audit.read': { scope: 'instance', roles: INSTANCE, wildcardRole: 'viewer' },
  /** Create a project: instance admins, and admins of every project. */
  'projects.create': { scope: 'instance', roles: INSTANCE, wildcardRole: 'admin' },
  /** Read everything in a project (flags, configurations, segments, environments, audit). */
  'project.read': { scope: 'project', role: 'viewer', protectable: false },
  /** Change flags, their configuration and rollouts (raised in protected environments). */
  'flags.write': { scope: 'project', role: 'editor', protectable: true },
  /** Kill and restore a flag: responders and up, protected environments included. */
  'flags.kill': { scope: 'project', role: 'responder', protectable: false },
  /** Change segments (shared by every environment of the project). */
  'segments.write': { scope: 'project', role: 'editor', protectable: false },
  /** The project itself: settings, environments (and their protection), deletion. */
  'project.admin': { scope: 'project', role: 'admin', protectable: false },
  /** Members of a project and their roles. */
  'members.manage': { scope: 'project', role: 'admin', protectable: false },
  /** API tokens: the handler only lets a caller mint, list and revoke tokens within its own rights. */
  'tokens.manage': { scope: 'any-project', role: 'admin' },
} as const satisfies Record<string, AccessRule>;

/** An action a route declares in `config.access`. */
export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** The rule of `action`. */
export function ruleOf(action: Action): AccessRule {
  return PERMISSIONS[action];
}

/** The role that protected environments require by default for configuration changes. */
export const DEFAULT_PROTECTED_ROLE: ProjectRole = 'admin';

/** Roles a protected environment may require (viewer and responder would not protect anything). */
export const PROTECTED_ROLES = ['editor', 'admin'] as const satisfies readonly ProjectRole[];
