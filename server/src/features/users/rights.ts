import type { Grant, InstanceRole, ProjectRole, Rights } from '../../auth/principal.js';
import { PROJECT_ROLES } from '../../auth/principal.js';

/** The weaker of two project roles. */
export function weakerRole(a: ProjectRole, b: ProjectRole): ProjectRole {
  return PROJECT_ROLES.indexOf(a) <= PROJECT_ROLES.indexOf(b) ? a : b;
}

/**
 * A user's own rights: their instance role and one grant per project membership, plus what their
 * identity provider's groups gave at the last SSO sign-in (`ssoInstanceRole`, `ssoGrants`, see
 * features/sign-in/oidc): the stronger instance role of the two, and every grant of both.
 */
export function userRights(user: {
  instanceRole: InstanceRole | null;
  memberships: readonly { projectId: string; role: ProjectRole }[];
  ssoInstanceRole?: InstanceRole | null;
  ssoGrants?: unknown;
}): Rights {
  const sso = parseSsoGrants(user.ssoGrants);
  const grants: Grant[] = user.memberships.map(({ projectId, role }) => ({ projectId, role }));
  return {
    instanceRole: strongerInstanceRole(user.instanceRole, user.ssoInstanceRole ?? null),
    grants: sso.length === 0 ? grants : strongestPerProject([...grants, ...sso]),
  };
}

function strongerInstanceRole(a: InstanceRole | null, b: InstanceRole | null): InstanceRole | null {
  if (a === 'owner' || b === 'owner') return 'owner';
  return a ?? b;
}

/**
 * The grants stored in `users.sso_grants` (`[{ projectId, role }]`, projectId a uuid or `*`).
 * Anything else in there (never written by the server) counts for nothing rather than failing
 * every request of the user.
 */
export function parseSsoGrants(value: unknown): Grant[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { projectId, role } = entry as Record<string, unknown>;
    if (typeof projectId !== 'string' || !(PROJECT_ROLES as readonly unknown[]).includes(role)) return [];
    return [{ projectId, role: role as ProjectRole }];
  });
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
