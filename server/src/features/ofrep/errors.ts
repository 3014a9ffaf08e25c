import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { setErrorHeaders, toErrorResponse, type ErrorBody } from '../../http/errors.js';
import type { OfrepErrorCode } from './mapping.js';
import { OFREP_BODY_LIMIT } from './context.js';

/**
 * OFREP's error body, used for every error under /ofrep/v1 instead of Switchyard's `{ error,
 * message }`: OFREP providers read `errorCode` and `errorDetails` (and `key` on single-flag
 * answers, without which they do not recognise a 400 or 404 as an evaluation failure).
 */
export const ofrepErrorSchema = z
  .object({
    key: z.string().optional().describe('The flag (single-flag evaluations)'),
    errorCode: z
      .enum(['FLAG_NOT_FOUND', 'PARSE_ERROR', 'INVALID_CONTEXT', 'GENERAL'])
      .describe('OpenFeature error code'),
    errorDetails: z.string().describe('What went wrong, for people'),
  })
  .describe('OFREP error body');

export type OfrepErrorBody = z.infer<typeof ofrepErrorSchema>;

/**
 * Answers every error of the scope in OFREP's shape, with the status Switchyard's own handler
 * would give, except that a request Switchyard cannot read (bad JSON, a context of the wrong
 * shape, a body over the limit, a content type other than JSON) is OFREP's 400 INVALID_CONTEXT.
 * The headers are those of every error answer (`setErrorHeaders`: 401 `WWW-Authenticate`, 429 and
 * 503 `Retry-After`).
 */
export function installOfrepErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: unknown, request, reply) => {
    const response = toErrorResponse(error);
    if (response.statusCode >= 500) request.log.error({ err: error }, 'OFREP request failed');
    setErrorHeaders(reply, error, response.statusCode);
    const key = (request.params as { key?: unknown } | undefined)?.key;
    const answer = ofrepErrorResponse(response.statusCode, response.body, typeof key === 'string' ? key : undefined);
    return reply.code(answer.statusCode).send(answer.body);
  });
  scope.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      errorCode: 'GENERAL',
      errorDetails: `No route for ${request.method} ${request.url.split('?')[0]}`,
    } satisfies OfrepErrorBody),
  );
}

/**
 * Switchyard's status and error body → OFREP's: a request Switchyard cannot read (400, 413, 415)
 * is OFREP's 400 INVALID_CONTEXT; everything else keeps its status, as GENERAL.
 */
export function ofrepErrorResponse(
  status: number,
  error: ErrorBody,
  key?: string,
): { statusCode: number; body: OfrepErrorBody } {
  let statusCode = status;
  let errorCode: OfrepErrorCode = 'GENERAL';
  let errorDetails = error.message;
  if (statusCode === 413) errorDetails = `The request is over ${OFREP_BODY_LIMIT / 1024} KiB; send a smaller context`;
  if (statusCode === 400 || statusCode === 413 || statusCode === 415) {
    statusCode = 400;
    errorCode = 'INVALID_CONTEXT';
  }
  return { statusCode, body: key === undefined ? { errorCode, errorDetails } : { key, errorCode, errorDetails } };
}
