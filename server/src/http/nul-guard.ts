import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

/**
 * PostgreSQL text cannot hold U+0000: a NUL that reaches a query is a 500, whatever the route. So
 * requests carrying one are refused up front with a 400, in one place rather than in every schema:
 * - in the URL (path or query) as `%00`, before routing decodes it;
 * - in a JSON body, where it can only be the escape `\u0000`: `nulPath` walks the parsed value, and
 *   only when the text contains that escape at all (the common case costs one scan of the text).
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (/%00/i.test(request.url)) throw badRequest('Invalid request: the URL must not contain NUL (%00) characters');
  });
}

/**
 * Throws a 400 naming the field (as validation errors do) when the JSON `text`, parsed as `value`,
 * has a NUL in any key or string.
 */
export function refuseNulInJson(text: string, value: unknown): void {
  const path = /\\u0000/i.test(text) ? nulPath(value, 'body') : undefined;
  if (path !== undefined) throw badRequest(`Invalid request: ${path}: must not contain NUL (\\u0000) characters`);
}

/** The dotted path of the first key or string holding a NUL, or `undefined` when there is none. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}.${key}`;
    if (key.includes('\0')) return itemPath;
    const found = nulPath(item, itemPath);
    if (found !== undefined) return found;
  }
  return undefined;
}
