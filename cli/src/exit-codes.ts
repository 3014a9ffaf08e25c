/** The exit codes of `switchyard`, stable for scripts (README "CLI"). */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** A request failed (server error, conflict, stale If-Match, network). */
  requestFailed: 1,
  /** Bad usage: unknown option, missing argument, invalid file. */
  usage: 2,
  /** Not signed in, or the token was refused (401/403). */
  auth: 3,
  /** `apply --dry-run` (or `import --dry-run`) found differences. */
  differences: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake of the caller: printed on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** No credentials to call the server with: exit 3. */
export class AuthError extends Error {
  override name = 'AuthError';
}
