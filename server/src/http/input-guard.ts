import type { FastifyInstance } from 'fastify';
import { badRequest, type ValidationIssue } from './errors.js';

/** The deepest a JSON request body may nest arrays and objects (`[[1]]` is 2 levels). */
export const MAX_BODY_DEPTH = 64;

/**
 * Text the database or the stack cannot take is refused up front with a 400 naming the field, in
 * one place rather than in every schema, whatever the route:
 * - U+0000: PostgreSQL text cannot hold it (a 500 where it reached a query);
 * - lone UTF-16 surrogates (`\ud800` without its pair): not Unicode, they were stored as U+FFFD;
 * - invalid percent-encoded UTF-8 in the URL (a surrogate can only be sent that way), and `%00`;
 * - bodies nested deeper than MAX_BODY_DEPTH, which recursive code (schemas, serializers) would
 *   overflow the stack on.
 * The URL is checked here, before routing decodes it (a bad path is a framework error, see
 * framework-errors.ts); bodies by the JSON parser (content-types.ts) through `refuseBadJson`.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => refuseBadUrl(request.url));
}

/** Throws a 400 when `url` has `%00`, or a path or query part that does not decode as UTF-8. */
export function refuseBadUrl(url: string): void {
  if (!url.includes('%')) return;
  if (/%00/i.test(url)) throw badRequest('Invalid request: the URL must not contain NUL (%00) characters');
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (!decodes(path)) throw badRequest(`Invalid request: URL path: ${NOT_UTF8}`);
  if (queryStart === -1) return;
  for (const pair of url.slice(queryStart + 1).split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    if (!decodes(name)) throw badRequest(`Invalid request: querystring: a parameter name ${NOT_UTF8}`);
    if (equals !== -1 && !decodes(pair.slice(equals + 1))) {
      throw badRequest(`Invalid request: querystring.${decodeURIComponent(name.replaceAll('+', ' '))}: ${NOT_UTF8}`);
    }
  }
}

const NOT_UTF8 = 'is not valid percent-encoded UTF-8';

function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws a 400 naming the field (as validation errors do) when the JSON `text`, parsed as `value`,
 * nests deeper than MAX_BODY_DEPTH or has a NUL or a lone surrogate in any key or string. Both can
 * only arrive as `\u` escapes (the text was decoded from valid UTF-8), so strings are only looked at
 * when the text has such an escape; the common case costs one scan of the text and one walk of the
 * containers. The walk is iterative: no depth overflows it.
 */
export function refuseBadJson(text: string, value: unknown): void {
  const issue = findIssue(value, /\\u(0000|d[89a-f])/i.test(text));
  if (issue) throw badRequest(`Invalid request: ${issue.path}: ${issue.message}`, { issues: [issue] });
}

/** A value still to visit, with how it was reached (the path is only built for a problem). */
interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: string;
}

function findIssue(root: unknown, checkStrings: boolean): ValidationIssue | undefined {
  const stack: Visit[] = [{ value: root, depth: 0, parent: undefined, key: 'body' }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { value, depth } = visit;
    if (typeof value === 'string') {
      const problem = checkStrings ? stringProblem(value) : undefined;
      if (problem) return { path: pathOf(visit), message: problem };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth === MAX_BODY_DEPTH) {
      return { path: pathOf(visit), message: `must not be nested more than ${MAX_BODY_DEPTH} levels deep` };
    }
    for (const [key, item] of Object.entries(value)) {
      // A bad key is named by its object's path: the key itself is what cannot be shown.
      const problem = checkStrings ? stringProblem(key) : undefined;
      if (problem) return { path: pathOf(visit), message: `keys ${problem}` };
      stack.push({ value: item, depth: depth + 1, parent: visit, key });
    }
  }
  return undefined;
}

/** A lone surrogate: with the `u` flag a well-formed pair is one code point, outside `\p{Cs}`. */
const LONE_SURROGATE = /\p{Cs}/u;

function stringProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain lone UTF-16 surrogates (\\ud800-\\udfff without their pair)';
  return undefined;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}
