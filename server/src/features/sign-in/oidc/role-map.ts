import { PROJECT_ROLES, type InstanceRole, type ProjectRole } from '../../../auth/principal.js';
import { KEY_PATTERN } from '../../../http/schemas.js';

/** What one group gives: the instance admin role, or a project role in one project (by key) or in every project (`*`). */
export type RoleTarget =
  { kind: 'instance'; role: InstanceRole } | { kind: 'project'; project: string; role: ProjectRole };

/** One entry of `SWITCHYARD_OIDC_ROLE_MAP`: members of `group` get `target`. */
export interface RoleMapping {
  group: string;
  target: RoleTarget;
}

/** What a person's groups give, before project keys are resolved to ids. */
export interface MappedRoles {
  instanceRole: InstanceRole | null;
  /** Project key (or `*`) → the strongest role the groups give there. */
  projects: Map<string, ProjectRole>;
}

/**
 * Parses `group=target,group=target,…`, a target being `instance:admin`,
 * `project:<key>:<role>` or `project:*:<role>` (role: viewer, responder, editor, admin), e.g.
 * `sre=instance:admin,checkout-devs=project:checkout:editor,oncall=project:*:responder`. The last
 * `=` splits (group names may hold one, not a comma; targets hold neither). `instance:owner` is refused: owners are
 * named by hand, so a group change at the provider can never take the last owner away. Throws an
 * Error whose message says which entry is wrong.
 */
export function parseRoleMap(text: string): RoleMapping[] {
  const mappings: RoleMapping[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const split = entry.lastIndexOf('=');
    const group = entry.slice(0, split).trim();
    const target = entry.slice(split + 1).trim();
    if (split <= 0 || group === '') throw new Error(`entry '${entry}' must be group=target`);
    mappings.push({ group, target: parseTarget(target, entry) });
  }
  return mappings;
}

function parseTarget(target: string, entry: string): RoleTarget {
  const parts = target.split(':');
  if (parts.length === 2 && parts[0] === 'instance') {
    if (parts[1] === 'admin') return { kind: 'instance', role: 'admin' };
    throw new Error(`entry '${entry}': the only instance role a group can give is instance:admin`);
  }
  if (parts.length === 3 && parts[0] === 'project') {
    const [, project = '', role = ''] = parts;
    if (project !== '*' && !KEY_PATTERN.test(project)) {
      throw new Error(`entry '${entry}': '${project}' is not a project key (or *)`);
    }
    if (!(PROJECT_ROLES as readonly string[]).includes(role)) {
      throw new Error(`entry '${entry}': the role must be one of ${PROJECT_ROLES.join(', ')}`);
    }
    return { kind: 'project', project, role: role as ProjectRole };
  }
  throw new Error(`entry '${entry}': the target must be instance:admin or project:<key|*>:<role>`);
}

/** The roles `groups` give under `mappings`: the strongest per project, and instance admin if any group gives it. */
export function mapGroups(mappings: readonly RoleMapping[], groups: readonly string[]): MappedRoles {
  const member = new Set(groups);
  const mapped: MappedRoles = { instanceRole: null, projects: new Map() };
  for (const { group, target } of mappings) {
    if (!member.has(group)) continue;
    if (target.kind === 'instance') {
      mapped.instanceRole = target.role;
      continue;
    }
    const current = mapped.projects.get(target.project);
    if (current === undefined || PROJECT_ROLES.indexOf(target.role) > PROJECT_ROLES.indexOf(current)) {
      mapped.projects.set(target.project, target.role);
    }
  }
  return mapped;
}

/**
 * The groups in a claim's value: an array of strings (Keycloak, Okta, Entra ID), or one string of
 * space- or comma-separated names. Anything else: none.
 */
export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((entry) => entry !== '');
  return [];
}
