import type { Grant, InstanceRole, ProjectRole, Rights } from '../../auth/principal.js';
import { PROJECT_ROLES } from '../../auth/principal.js';

/** The weaker of two project roles. */
export function weakerRole(a: ProjectRole, b: ProjectRole): ProjectRole {
  return PROJECT_ROLES.indexOf(a) <= PROJECT_ROLES.indexOf(b) ? a : b;
}

/** A user's own rights: their instance role and one grant per project membership. */
export function userRights(user: {
  instanceRole: InstanceRole | null;
  memberships: readonly { projectId: string; role: ProjectRole }[];
}): Rights {
  return {
    instanceRole: user.instanceRole,
    grants: user.memberships.map(({ projectId, role }) => ({ projectId, role })),
  };
}

/** What a personal access token is limited to: one project, a project role, both, or neither. */
export interface RightsCap {
  projectId: string | null;
  role: ProjectRole | null;
}

/**
 * The rights of a personal access token: its user's current rights, intersected with the token's
 * cap, so they never exceed the user's. Without a cap, the user's rights. With a cap, the instance
 * role goes (instance roles are more than any project role); an instance owner or admin counts as
 * `admin` in every project, then every grant is cut down to the capped project and role.
 */
export function capRights(rights: Rights, cap: RightsCap): Rights {
  if (cap.projectId === null && cap.role === null) return rights;
  const grants: Grant[] = [];
  const candidates: Grant[] =
    rights.instanceRole !== null ? [{ projectId: '*', role: 'admin' }, ...rights.grants] : [...rights.grants];
  for (const grant of candidates) {
    const role = cap.role === null ? grant.role : weakerRole(grant.role, cap.role);
    if (cap.projectId === null) grants.push({ projectId: grant.projectId, role });
    else if (grant.projectId === '*' || grant.projectId === cap.projectId)
      grants.push({ projectId: cap.projectId, role });
  }
  return { instanceRole: null, grants: strongestPerProject(grants) };
}

/** One grant per project (the strongest), so a reader of the list needs no merging. */
function strongestPerProject(grants: readonly Grant[]): Grant[] {
  const best = new Map<string, ProjectRole>();
  for (const { projectId, role } of grants) {
    const current = best.get(projectId);
    best.set(projectId, current === undefined ? role : weakerRole(current, role) === current ? role : current);
  }
  return [...best].map(([projectId, role]) => ({ projectId, role }));
}
