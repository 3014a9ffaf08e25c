import type { Principal } from './principal.js';

/**
 * What a request presents: a bearer secret (`Authorization: Bearer …`: API tokens, personal access
 * tokens) or the session cookie's value (`switchyard_session`). Issue 13 moves authenticators to
 * `authenticate(credential: Credential)`, asked in turn by the auth plugin (null from all = 401).
 */
export type Credential = { type: 'bearer'; secret: string } | { type: 'session'; secret: string };

/** Turns the secret a request presents into its principal, or null when it is unknown or revoked. */
export interface Authenticator {
  authenticate(secret: string): Promise<Principal | null>;
}
