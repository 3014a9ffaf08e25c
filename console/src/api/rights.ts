import type { Me, ProjectRole } from './account';

const RANK: Record<ProjectRole, number> = { viewer: 0, responder: 1, editor: 2, admin: 3 };

/**
 * The caller's role in `project`, from `GET /me`: instance owners and admins are admins
 * everywhere; otherwise the highest grant on the project or on every project (`*`). Only for
 * showing or hiding controls: the server decides every request.
 */
export function roleIn(me: Me, project: string): ProjectRole | null {
  if (me.instanceRole) return 'admin';
  let best: ProjectRole | null = null;
  for (const grant of me.grants) {
    if (grant.project !== project && grant.project !== '*') continue;
    if (best === null || RANK[grant.role] > RANK[best]) best = grant.role;
  }
  return best;
}

/** Whether the caller's role in `project` is at least `role`. */
export function hasRole(me: Me, project: string, role: ProjectRole): boolean {
  const mine = roleIn(me, project);
  return mine !== null && RANK[mine] >= RANK[role];
}

/** Whether the caller may create projects (instance admins, or admins of every project). */
export function canCreateProjects(me: Me): boolean {
  return me.instanceRole !== null || me.grants.some((grant) => grant.project === '*' && grant.role === 'admin');
}
