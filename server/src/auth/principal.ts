/**
 * Principals: who can make a change. Audit events record one with every change (its kind and id,
 * plus a display text), so a change is attributed to an identity, never to a free-text name.
 * Users join in issue 13; tokens and the server itself are the principals today.
 */

/** The kinds of principal. `system` is the server itself (seed, bootstrap, migrations). */
export type PrincipalKind = 'user' | 'token' | 'system';
export const PRINCIPAL_KINDS = ['user', 'token', 'system'] as const satisfies readonly PrincipalKind[];

/** Who made a change, as an audit event records it. */
export interface Actor {
  kind: PrincipalKind;
  /** Stable within its kind: a token's id, a system task's name (`seed`, `bootstrap`, …). */
  id: string;
  /** For people reading the log: a token's name, `system:<id>`. Never used to identify. */
  display: string;
}

export type TokenKind = 'admin' | 'server' | 'client';
export const TOKEN_KINDS = ['admin', 'server', 'client'] as const satisfies readonly TokenKind[];

/** A caller authenticated by an API token. */
export interface TokenPrincipal extends Actor {
  kind: 'token';
  /** What the token may do: the management API (admin) or an SDK's endpoints (server, client). */
  tokenKind: TokenKind;
  /** Server and client tokens belong to one environment of one project. */
  projectId?: string;
  environmentId?: string;
}

/** Who is calling a request: a token today (users come with sign-in). */
export type Principal = TokenPrincipal;

/** The server's own tasks. */
export type SystemTask = 'seed' | 'bootstrap' | 'migration' | 'regex-check';

/** The principal of one of the server's own tasks: kind `system`, displayed `system:<task>`. */
export function systemPrincipal(task: SystemTask): Actor {
  return { kind: 'system', id: task, display: `system:${task}` };
}
