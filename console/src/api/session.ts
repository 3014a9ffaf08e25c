/**
 * How the console proves who it is: a cookie session (a person signed in with a password or SSO;
 * the HttpOnly cookie goes by itself, same origin, and unsafe requests carry the CSRF token), or an
 * admin API token (embedded demo, automation), kept in sessionStorage (gone when the tab closes)
 * and sent as `Authorization: Bearer`.
 */
const STORAGE_KEY = 'switchyard.adminToken';

export function storedToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Uses an API token for this tab (it wins over a cookie, as on the server). */
export function signIn(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token.trim());
}

/** Forgets the credentials held in the page (the cookie is ended by `POST /sign-out`). */
export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  csrfToken = null;
}

/**
 * The CSRF token of a cookie session: the sign-in answer and `GET /me` carry it, and every
 * state-changing request sends it back as `x-csrf-token`. Null with a bearer token.
 */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Adds the credentials to a request's headers (the cookie, if any, goes by itself: same origin). */
export function authorize(headers: Headers, method: string): void {
  const token = storedToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(method)) headers.set('x-csrf-token', csrfToken);
}
