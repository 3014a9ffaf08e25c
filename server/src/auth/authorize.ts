import { DEFAULT_PROTECTED_ROLE, ruleOf, type Action } from './permissions.js';
import { PROJECT_ROLES, type Principal, type ProjectRole, type Rights } from './principal.js';

/** The environment a request acts on, as far as authorization cares. */
export interface EnvironmentAccess {
  /** Configuration changes there need `protectedRole` (kill and restore do not). */
  protected: boolean;
  protectedRole: ProjectRole;
}

/**
 * Where an action applies: the project of the route's `:project` (its id; null when no such
 * project exists: then only grants on every project count, and the handler answers 404) and the
 * environment of its `:environment`.
 */
export interface AccessScope {
  projectId?: string | null;
  environment?: EnvironmentAccess;
}

/** True when `role` is at least `needed` (viewer < responder < editor < admin). */
export function roleAtLeast(role: ProjectRole, needed: ProjectRole): boolean {
  return PROJECT_ROLES.indexOf(role) >= PROJECT_ROLES.indexOf(needed);
}

/** The stronger of two roles. */
export function strongerRole(a: ProjectRole, b: ProjectRole): ProjectRole {
  return roleAtLeast(a, b) ? a : b;
}

/**
 * The principal's role in a project (its strongest grant there or on `*`); null without one.
 * `projectId` null (an unknown project) counts only grants on `*`. Instance roles are not grants:
 * `can` checks them first.
 */
export function projectRoleOf(rights: Rights, projectId: string | null): ProjectRole | null {
  let best: ProjectRole | null = null;
  for (const grant of rights.grants) {
    if (grant.projectId !== '*' && grant.projectId !== projectId) continue;
    best = best === null ? grant.role : strongerRole(best, grant.role);
  }
  return best;
}

/** The role an action needs in a project's environment (protected environments may raise it). */
export function requiredRole(action: Action, environment?: EnvironmentAccess): ProjectRole | null {
  const rule = ruleOf(action);
  if (rule.scope !== 'project') return rule.scope === 'any-project' ? rule.role : null;
  if (!rule.protectable || !environment?.protected) return rule.role;
  return strongerRole(rule.role, environment.protectedRole ?? DEFAULT_PROTECTED_ROLE);
}

/**
 * Whether `principal` may take `action` in `scope`. Pure: the auth plugin resolves the scope
 * (project id, environment protection) and authenticates first. SDK tokens may take `sdk` (and
 * `public`) only; people and admin-kind tokens everything their rights allow; instance owners and
 * admins every action but `sdk`.
 */
export function can(principal: Principal, action: Action, scope: AccessScope = {}): boolean {
  const rule = ruleOf(action);
  if (rule.scope === 'public') return true;
  const sdkToken = principal.kind === 'token' && principal.tokenKind !== 'admin';
  if (rule.scope === 'sdk') return sdkToken;
  if (sdkToken) return false;
  if (rule.scope === 'authenticated') return true;
  if (principal.instanceRole !== null) {
    return rule.scope !== 'instance' || rule.roles.includes(principal.instanceRole);
  }
  switch (rule.scope) {
    case 'instance': {
      if (rule.wildcardRole === undefined) return false;
      const everywhere = projectRoleOf({ instanceRole: null, grants: principal.grants.filter(isWildcard) }, null);
      return everywhere !== null && roleAtLeast(everywhere, rule.wildcardRole);
    }
    case 'any-project':
      return principal.grants.some((grant) => roleAtLeast(grant.role, rule.role));
    case 'project': {
      if (scope.projectId === undefined) return false; // a project action needs its project
      const role = projectRoleOf(principal, scope.projectId);
      return role !== null && roleAtLeast(role, requiredRole(action, scope.environment)!);
    }
  }
}

function isWildcard(grant: { projectId: string }): boolean {
  return grant.projectId === '*';
}

/**
 * Whether rights `inner` stay within `outer` in one project (or every project for `*`): minting a
 * token, a project's member list. Instance roles contain every project role; an instance admin
 * does not contain an owner.
 */
export function rightsWithin(inner: Rights, outer: Rights): boolean {
  if (outer.instanceRole === 'owner') return true;
  if (inner.instanceRole !== null) return outer.instanceRole === 'admin' && inner.instanceRole === 'admin';
  if (outer.instanceRole === 'admin') return true;
  return inner.grants.every((grant) => {
    if (grant.projectId === '*') {
      const everywhere = projectRoleOf({ instanceRole: null, grants: outer.grants.filter(isWildcard) }, null);
      return everywhere !== null && roleAtLeast(everywhere, grant.role);
    }
    const role = projectRoleOf(outer, grant.projectId);
    return role !== null && roleAtLeast(role, grant.role);
  });
}
