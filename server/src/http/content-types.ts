import type { FastifyInstance } from 'fastify';
import { refuseNulInJson } from './nul-guard.js';

/**
 * The API speaks JSON only:
 * - `text/plain` bodies are refused with 415 (fastify would hand the route a string, which then
 *   fails validation with a confusing message);
 * - an empty body with `Content-Type: application/json` is no body at all, not an error: many
 *   HTTP clients send that header on every request, DELETE included. Routes that need a body
 *   still answer 400 through their schema.
 * - a NUL in any string of the body is a 400 (see nul-guard.ts).
 * Everything else is fastify's own JSON parser (prototype-poisoning protection included).
 */
export function installContentTypes(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, (error, value) => {
      if (error) return done(error);
      try {
        refuseNulInJson(text, value);
      } catch (refusal) {
        return done(refusal as Error);
      }
      done(null, value);
    });
  });
}
