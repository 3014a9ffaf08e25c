import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../auth/plugin.js';
import type { OpenedSession, Sessions } from './sessions.js';

/** How the session cookie is set: `Secure` from the configuration (`cookieSecure`). */
export interface SessionCookieOptions {
  secure: boolean;
}

/**
 * `Set-Cookie` for a session: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
 * POSTs, still sent when following a link), Path=/, Secure when configured, and a Max-Age equal
 * to the session's absolute lifetime. The value is base64url, which needs no escaping.
 */
export function sessionCookie(
  secret: string,
  expiresAt: Date,
  options: SessionCookieOptions,
  now = Date.now(),
): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000));
  return [
    `${SESSION_COOKIE}=${secret}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that removes the session cookie (sign-out). */
export function clearedSessionCookie(options: SessionCookieOptions): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * Opens a session for `userId` and sets its cookie on `reply`: the one way a sign-in method
 * (password, setup, OIDC) signs someone in. Returns the session, whose `csrfToken` the response
 * should carry so the client can send it with unsafe requests.
 */
export async function startSession(
  sessions: Sessions,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  method: 'password' | 'setup' | 'oidc',
  options: SessionCookieOptions,
): Promise<OpenedSession> {
  const opened = await sessions.open(userId, {
    method,
    userAgent: request.headers['user-agent'] ?? null,
    ip: request.ip,
  });
  void reply.header('set-cookie', sessionCookie(opened.secret, opened.expiresAt, options));
  // A response that sets a session cookie must never be cached by anything in between.
  void reply.header('cache-control', 'no-store');
  return opened;
}
