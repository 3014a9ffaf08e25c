import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { badRequest, toErrorResponse, type ErrorBody } from './errors.js';

/**
 * Errors raised before a request reaches fastify's hooks and handlers, answered in the documented
 * error shape like every other error (fastify and Node have their own bodies for these):
 * - `frameworkErrors`: a URL path that is not valid percent-encoded UTF-8 (`%zz`, a surrogate as
 *   `%ED%A0%80`) or a path parameter over the length limit, found while routing;
 * - `clientErrorHandler`: what Node's HTTP parser refuses on the raw socket (headers too large:
 *   431; malformed requests such as bad chunked encoding: 400; a request too slow to arrive: 408),
 *   where there is no request object, so the response is written to the socket by hand.
 */
/**
 * A part of the URL space with an error body of its own (OFREP under `/ofrep/v1`): errors found
 * before routing are answered in that shape too.
 */
export interface ScopedErrorBody {
  prefix: string;
  body(statusCode: number, error: ErrorBody): { statusCode: number; body: unknown };
}

export function frameworkErrorOptions(scoped: readonly ScopedErrorBody[] = []) {
  return {
    frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const refusal =
        error.code === 'FST_ERR_BAD_URL'
          ? badRequest('Invalid request: URL path: is not valid percent-encoded UTF-8')
          : error;
      const { statusCode, body } = toErrorResponse(refusal);
      request.log.debug({ err: error }, 'request rejected');
      const scope = scoped.find(({ prefix }) => request.url.startsWith(prefix));
      if (scope) {
        const answer = scope.body(statusCode, body);
        return reply.code(answer.statusCode).send(answer.body);
      }
      return reply.code(statusCode).send(body);
    },
    clientErrorHandler,
  } satisfies Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'>;
}

function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A connection reset: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, body] = clientErrorResponse(error);
  // As Node does: answer only when no response to a request on this socket has started.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_TEXT[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function clientErrorResponse(error: NodeJS.ErrnoException): [number, ErrorBody] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, { error: 'request_header_fields_too_large', message: 'Request headers are too large' }];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, { error: 'request_timeout', message: 'The request was not received in time' }];
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_EOF_STATE':
    case 'HPE_STRICT':
      return [400, { error: 'bad_request', message: 'Malformed request body: invalid chunked transfer encoding' }];
    default:
      return [400, { error: 'bad_request', message: `Malformed HTTP request${error.code ? ` (${error.code})` : ''}` }];
  }
}
