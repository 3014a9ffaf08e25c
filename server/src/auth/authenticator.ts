import type { Principal } from './principal.js';

/** Turns the secret a request presents into its principal, or null when it is unknown or revoked. */
export interface Authenticator {
  authenticate(secret: string): Promise<Principal | null>;
}
