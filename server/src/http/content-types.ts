import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { badRequest } from './errors.js';
import { refuseBadJson } from './input-guard.js';

/**
 * The API speaks JSON only:
 * - `text/plain` bodies are refused with 415 (fastify would hand the route a string, which then
 *   fails validation with a confusing message);
 * - an empty body with `Content-Type: application/json` is no body at all, not an error: many
 *   HTTP clients send that header on every request, DELETE included. Routes that need a body
 *   still answer 400 through their schema.
 * - a body that is not UTF-8 is a 400 (it was read with U+FFFD in place of the bad bytes), and so
 *   are a NUL or a lone surrogate in any string and nesting beyond MAX_BODY_DEPTH (input-guard.ts).
 * Everything else is fastify's own JSON parser (prototype-poisoning protection included).
 */
export function installContentTypes(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (!isUtf8(bytes)) return done(badRequest('Invalid request: body: is not valid UTF-8'));
    const text = bytes.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, (error, value) => {
      if (error) return done(error);
      try {
        refuseBadJson(text, value);
      } catch (refusal) {
        return done(refusal as Error);
      }
      done(null, value);
    });
  });
}
