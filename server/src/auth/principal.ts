/**
 * Principals: who can make a change. Audit events record one with every change (its kind and id,
 * plus a display text), so a change is attributed to an identity, never to a free-text name.
 * Every authenticated principal carries its rights: an instance role and project grants, which
 * `auth/authorize.ts` checks against the action a route declares.
 */

/** The kinds of principal. `system` is the server itself (seed, bootstrap, migrations). */
export type PrincipalKind = 'user' | 'token' | 'system';
export const PRINCIPAL_KINDS = ['user', 'token', 'system'] as const satisfies readonly PrincipalKind[];

/** Who made a change, as an audit event records it. */
export interface Actor {
  kind: PrincipalKind;
  /** Stable within its kind: a token's id, a user's id, a system task's name (`seed`, …). */
  id: string;
  /** For people reading the log: a token's name, a user's name, `system:<id>`. Never used to identify. */
  display: string;
}

/**
 * Roles in one project, weakest first: `viewer` reads everything; `responder` also kills and
 * restores (the on-call person who must stop a feature without being able to ship one); `editor`
 * changes flags, rollouts and segments; `admin` also manages the project (environments, members,
 * project tokens, protected environments).
 */
export type ProjectRole = 'viewer' | 'responder' | 'editor' | 'admin';
export const PROJECT_ROLES = ['viewer', 'responder', 'editor', 'admin'] as const satisfies readonly ProjectRole[];

/** Roles over the whole instance: `owner` can do everything; `admin` everything but managing owners. */
export type InstanceRole = 'owner' | 'admin';
export const INSTANCE_ROLES = ['owner', 'admin'] as const satisfies readonly InstanceRole[];

/** A project role in one project (its id), or in every project (`*`). */
export interface Grant {
  projectId: string | '*';
  role: ProjectRole;
}

/** What an authenticated principal may do; read by `auth/authorize.ts`, nowhere else. */
export interface Rights {
  /** Null for a principal with project grants only. */
  instanceRole: InstanceRole | null;
  grants: readonly Grant[];
}

export type TokenKind = 'admin' | 'server' | 'client';
export const TOKEN_KINDS = ['admin', 'server', 'client'] as const satisfies readonly TokenKind[];

/** A caller authenticated by an API token. */
export interface TokenPrincipal extends Actor, Rights {
  kind: 'token';
  /** What the token may do: the management API (admin) or an SDK's endpoints (server, client). */
  tokenKind: TokenKind;
  /** Server and client tokens belong to one environment of one project; a scoped admin token to one project. */
  projectId?: string;
  environmentId?: string;
  /** An admin token's project role (null: an unscoped admin token from before roles, instance admin). */
  role?: ProjectRole | null;
  /** When the token stops working (absent: never). */
  expiresAt?: Date;
}

/**
 * A person: signed in with a session cookie (password or SSO), or calling with a personal access
 * token (whose rights never exceed the user's own).
 */
export interface UserPrincipal extends Actor, Rights {
  kind: 'user';
  via: 'session' | 'pat';
  /** For `via: 'session'`: the session's id (sign-out) and its CSRF token, which every unsafe
   *  request authenticated by the cookie must echo in the `x-csrf-token` header. */
  sessionId?: string;
  csrfToken?: string;
  /** For `via: 'pat'`: the personal token's id. */
  tokenId?: string;
}

/** Who is calling a request: an API token or a person. Narrow by `kind` (and `tokenKind`). */
export type Principal = TokenPrincipal | UserPrincipal;

/** No rights at all (SDK tokens: their endpoints check the token kind, not rights). */
export const NO_RIGHTS: Rights = Object.freeze({ instanceRole: null, grants: Object.freeze([]) as readonly Grant[] });

/**
 * The server's own tasks; `schedule:<id>` is a scheduled change (features/schedules/),
 * `release-plan:<id>` a release plan's steps and rollbacks (features/release-plans/), `sso` the
 * sign-in's role sync.
 */
export type SystemTask =
  'seed' | 'bootstrap' | 'migration' | 'regex-check' | 'sso' | `schedule:${string}` | `release-plan:${string}`;

/** The principal of one of the server's own tasks: kind `system`, displayed `system:<task>`. */
export function systemPrincipal(task: SystemTask): Actor {
  return { kind: 'system', id: task, display: `system:${task}` };
}

/** The audit actor of a principal (what an audit event records). */
export function actorOf(principal: Actor): Actor {
  return { kind: principal.kind, id: principal.id, display: principal.display };
}

/**
 * The actor of what a trigger does (features/triggers): kind `system` (the server acts; whoever
 * called the trigger's URL has no identity but its secret), id `trigger:<id>`, shown `trigger <name>`.
 */
export function triggerPrincipal(trigger: { id: string; name: string }): Actor {
  return { kind: 'system', id: `trigger:${trigger.id}`, display: `trigger ${trigger.name}` };
}
