import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { RouteMethods } from './method-not-allowed.js';

/** `Retry-After` (seconds) of every 503: a dependency is down or busy, not the request wrong. */
export const RETRY_AFTER_SECONDS = 5;

/** The body of every error response. */
export interface ErrorBody {
  /** Short machine-readable code, e.g. `bad_request`, `not_found`. */
  error: string;
  /** One sentence for humans. */
  message: string;
  /** Extra structure, e.g. the failing paths of a validation error. */
  details?: unknown;
}

/** One failing field of a validation error: `path` is dotted, prefixed by where it was (`body.name`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Short codes by status, for errors that do not bring their own. */
const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  428: 'precondition_required',
  429: 'too_many_requests',
  431: 'request_header_fields_too_large',
  500: 'internal_error',
  503: 'unavailable',
};

/** An error meant for the client: thrown anywhere in a request, answered as `{ error, message, details? }`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
    readonly code: string = CODES[statusCode] ?? 'error',
  ) {
    super(message);
  }
}

/**
 * An error that says when to come back: the error handler copies `retryAfterSeconds` into
 * `Retry-After`, so a route or hook only throws it.
 */
export class RetryLaterError extends HttpError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
    statusCode = 429,
  ) {
    super(statusCode, message);
  }
}

/** 429 + `Retry-After: seconds`, the message ending "; retry in N s". */
export const tooManyRequests = (seconds: number, message: string) =>
  new RetryLaterError(seconds, `${message}; retry in ${seconds} s`);

export const badRequest = (message: string, details?: unknown) => new HttpError(400, message, details);
export const unauthorized = (message = 'A valid API token is required') => new HttpError(401, message);
export const forbidden = (message: string) => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, details?: unknown) => new HttpError(409, message, details);
export const preconditionFailed = (message: string, details?: unknown) => new HttpError(412, message, details);

/** Turns a zod error into `ValidationIssue`s, each path prefixed with `where` (e.g. `body`). */
export function zodIssues(error: ZodError, where?: string): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...(where ? [where] : []), ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Converts anything thrown during a request into a status and an `ErrorBody`. */
export function toErrorResponse(error: unknown): { statusCode: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { statusCode: error.statusCode, body: withDetails(error.code, error.message, error.details) };
  }
  // Request validation by fastify-type-provider-zod (schema.body / querystring / params / headers).
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext;
    const issues: ValidationIssue[] = error.validation.map((issue) => ({
      path: [where, ...issue.instancePath.split('/').filter((part) => part !== '')].filter(Boolean).join('.'),
      message: issue.message ?? 'is invalid',
    }));
    return { statusCode: 400, body: validationBody(issues) };
  }
  // A zod schema parsed by hand in a service (e.g. core's flagSchema): still the client's input.
  if (error instanceof ZodError) {
    return { statusCode: 400, body: validationBody(zodIssues(error)) };
  }
  // Postgres down, restarting or cut off: a dependency problem, never a 500 (see db/unavailable.ts).
  if (isDatabaseUnavailable(error)) {
    return { statusCode: 503, body: withDetails('unavailable', 'The database is unreachable; retry shortly') };
  }
  if (isPrismaError(error, 'P2002')) {
    const fields = uniqueFields(error);
    const message = fields.length > 0 ? `Already exists: ${fields.join(', ')} must be unique` : 'Already exists';
    return { statusCode: 409, body: withDetails('conflict', message, fields.length > 0 ? { fields } : undefined) };
  }
  // Transaction could not start in time (P2028) or hit a write conflict/deadlock (P2034, or P2010
  // from a raw query): the request was fine and nothing was written, so the client should retry.
  if (isPrismaError(error, 'P2028') || isPrismaError(error, 'P2034') || isRawWriteConflict(error)) {
    return { statusCode: 503, body: withDetails('unavailable', 'The database is busy; nothing was changed. Retry.') };
  }
  if (isPrismaError(error, 'P2025')) {
    return { statusCode: 404, body: withDetails('not_found', 'Not found') };
  }
  if (isPrismaError(error, 'P2003')) {
    return { statusCode: 409, body: withDetails('conflict', 'Refers to, or is referred to by, another record') };
  }
  // The response did not match its schema: our bug, not the client's.
  if (isFastifyError(error) && isResponseSerializationError(error)) {
    return { statusCode: 500, body: withDetails('internal_error', 'Internal server error') };
  }
  // Fastify's own client errors (malformed JSON, unsupported content type, body too large, ...).
  if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      statusCode: error.statusCode,
      body: withDetails(CODES[error.statusCode] ?? 'bad_request', clientMessage(error)),
    };
  }
  return { statusCode: 500, body: withDetails('internal_error', 'Internal server error') };
}

/**
 * The headers an error answer carries, whatever its body's shape (ours, OFREP's): 401
 * `WWW-Authenticate`; `Retry-After` from a {@link RetryLaterError}, and on every 503 (a dependency
 * is down) unless one was set before the throw.
 */
export function setErrorHeaders(reply: FastifyReply, error: unknown, statusCode: number): void {
  if (statusCode === 401) void reply.header('WWW-Authenticate', 'Bearer');
  if (error instanceof RetryLaterError) void reply.header('retry-after', String(error.retryAfterSeconds));
  if (statusCode === 503 && !reply.hasHeader('retry-after')) void reply.header('Retry-After', RETRY_AFTER_SECONDS);
}

/** Installs the error and not-found handlers that give every error response the `ErrorBody` shape. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, body } = toErrorResponse(error);
    // A 503 is a dependency being down (one per request during an outage), not a bug.
    if (statusCode === 503) request.log.warn({ err: error }, 'request failed: dependency unavailable');
    else if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ err: error }, 'request rejected');
    setErrorHeaders(reply, error, statusCode);
    return reply.code(statusCode).send(body);
  });
  // A path that exists with other methods is a 405 naming them (fastify says 404 to both).
  const routes = new RouteMethods();
  routes.track(app);
  const fallbacks: NotFoundFallback[] = [];
  app.decorate('notFoundFallbacks', fallbacks);
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.allowed(path);
    if (allowed.length > 0) {
      const message = `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`;
      return reply.code(405).header('Allow', allowed.join(', ')).send(withDetails('method_not_allowed', message));
    }
    for (const fallback of fallbacks) if (await fallback(request, reply)) return reply;
    return reply.code(404).send(withDetails('not_found', `No route for ${request.method} ${path}`));
  });
}

/**
 * Answers a request no route matched (and no other method of its path would), before the 404:
 * true when it sent a response. The web console serves its pages this way (console/plugin.ts): a
 * catch-all route would also catch what the router refuses, e.g. a path parameter that is too long.
 */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Consulted in order by the not-found handler (see NotFoundFallback); push to add one. */
    notFoundFallbacks: NotFoundFallback[];
  }
}

function withDetails(error: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error, message } : { error, message, details };
}

function validationBody(issues: ValidationIssue[]): ErrorBody {
  const first = issues[0];
  const message = first ? `Invalid request: ${first.path || 'input'}: ${first.message}` : 'Invalid request';
  return withDetails('bad_request', message, { issues });
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** Fastify's messages are fine for people, but some name internals; these read better. */
function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Request body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return "Request body is empty but Content-Type is 'application/json'";
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type; send application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    default:
      // A JSON.parse SyntaxError surfaces with statusCode 400 and its own message.
      return error instanceof SyntaxError ? 'Request body is not valid JSON' : error.message;
  }
}

interface PrismaKnownError {
  code: string;
  meta?: Record<string, unknown>;
}

function isPrismaError(error: unknown, code: string): error is PrismaKnownError {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    (error as unknown as PrismaKnownError).code === code
  );
}

/**
 * A deadlock or serialization failure (40P01, 40001) in a raw query: Prisma reports those as P2010
 * with the driver adapter's `TransactionWriteConflict` kind, not as P2034.
 */
function isRawWriteConflict(error: unknown): boolean {
  if (!isPrismaError(error, 'P2010')) return false;
  const cause = (
    error.meta?.['driverAdapterError'] as { cause?: { kind?: unknown; originalCode?: unknown } } | undefined
  )?.cause;
  return (
    cause?.kind === 'TransactionWriteConflict' || cause?.originalCode === '40P01' || cause?.originalCode === '40001'
  );
}

/** The unique fields of a P2002, wherever this Prisma version/adapter puts them. */
function uniqueFields(error: PrismaKnownError): string[] {
  const target = error.meta?.['target'];
  if (Array.isArray(target)) return target.map(String);
  const cause = (error.meta?.['driverAdapterError'] as { cause?: { constraint?: { fields?: unknown } } } | undefined)
    ?.cause;
  const fields = cause?.constraint?.fields;
  return Array.isArray(fields) ? fields.map(String) : [];
}
