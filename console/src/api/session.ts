/**
 * How the console proves who it is. Today: an admin API token, kept in sessionStorage (gone when
 * the tab closes) and sent as `Authorization: Bearer`. When accounts land, a cookie session
 * replaces it behind the same two functions: `authorize` then adds the CSRF header instead.
 */
const STORAGE_KEY = 'switchyard.adminToken';

export function storedToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  csrfToken = null;
}

/**
 * The CSRF token of a cookie session (accounts): the sign-in answer carries it, and every
 * state-changing request sends it back as `x-csrf-token`. Null with a bearer token.
 */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function isSignedIn(): boolean {
  return storedToken() !== null;
}

/** Adds the credentials to a request's headers (the cookie, if any, goes by itself: same origin). */
export function authorize(headers: Headers, method: string): void {
  const token = storedToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(method)) headers.set('x-csrf-token', csrfToken);
}
