import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

/**
 * PostgreSQL text cannot hold U+0000: a NUL that reaches a query is a 500, whatever the route. So
 * requests carrying one are refused up front with a 400, in one place rather than in every schema:
 * - in the URL (path or query) as `%00`, before routing decodes it;
 * - in a JSON body, where it can only be the escape `\u0000`: `hasNul` walks the parsed value, and
 *   only when the text contains that escape at all (the common case costs one `includes`).
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (/%00/i.test(request.url)) throw badRequest('The URL contains a NUL character (%00)');
  });
}

/** Throws a 400 when the JSON `text`, parsed as `value`, has a NUL in any key or string. */
export function refuseNulInJson(text: string, value: unknown): void {
  if (/\\u0000/i.test(text) && hasNul(value)) {
    throw badRequest('The body contains a NUL character (\\u0000), which text fields cannot hold');
  }
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasNul);
  return Object.entries(value).some(([key, item]) => key.includes('\0') || hasNul(item));
}
