import type { Principal } from './principal.js';

/**
 * What a request presents: a bearer secret (`Authorization: Bearer …`: API tokens, personal access
 * tokens) or the session cookie's value (`switchyard_session`). Issue 13 moves authenticators to
 * `authenticate(credential: Credential)`, asked in turn by the auth plugin (null from all = 401).
 */
export type Credential = { type: 'bearer'; secret: string } | { type: 'session'; secret: string };

/**
 * Turns the credential a request presents into its principal, or null when the credential is not
 * this authenticator's (another kind of secret) or is unknown, revoked or expired. The auth plugin
 * asks every authenticator in turn; null from all of them is a 401. An authenticator may throw an
 * `HttpError` (401 with a precise message, e.g. an expired token) to stop the search.
 */
export interface Authenticator {
  authenticate(credential: Credential): Promise<Principal | null>;
}
