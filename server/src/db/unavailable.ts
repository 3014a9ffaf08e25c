/**
 * Prisma codes meaning the database could not be reached or the connection was lost: P1001 (can't
 * reach), P1002 (timed out), P1008 (operation timed out), P1017 (server closed the connection),
 * P2024 (timed out waiting for a pooled connection).
 */
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Driver-adapter error kinds (`meta.driverAdapterError.cause.kind`) of the same meaning. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** SQLSTATE classes: 08 connection exception, 57P shutting down / cannot connect now. */
const UNREACHABLE_SQLSTATE = /^(08|57P)/;
/** Socket errors of `pg` itself (a pool connect, the migrator's client). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** Messages of `pg` errors that carry no code. */
const UNREACHABLE_MESSAGE =
  /Can't reach database server|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

interface MaybeDatabaseError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
  cause?: unknown;
}

/**
 * True when `error` says the database is unreachable (down, restarting, network cut, pool
 * exhausted) rather than that the request was wrong: the server answers 503 with `Retry-After`
 * instead of 500, and the SDK endpoints keep serving what they hold. Looks through `cause` chains
 * (a few levels), since Prisma and the driver adapter wrap the driver's error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as MaybeDatabaseError;
    const code = typeof candidate.code === 'string' ? candidate.code : undefined;
    if (code !== undefined && (UNREACHABLE_CODES.has(code) || SOCKET_CODES.has(code))) return true;
    const cause = candidate.meta?.driverAdapterError?.cause;
    if (typeof cause?.kind === 'string' && UNREACHABLE_KINDS.has(cause.kind)) return true;
    if (cause?.kind === 'postgres' && typeof cause.code === 'string' && UNREACHABLE_SQLSTATE.test(cause.code)) {
      return true;
    }
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && UNREACHABLE_SQLSTATE.test(code)) return true;
    if (typeof candidate.message === 'string' && UNREACHABLE_MESSAGE.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}
