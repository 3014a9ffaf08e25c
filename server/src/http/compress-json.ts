import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { preferredEncoding } from './content-coding.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this, compressing costs more than the bytes it saves. */
const MIN_BYTES = 8 * 1024;

/**
 * A route `onSend` hook for large JSON answers (the flag list: ~640 KB per page of 1,000 flags
 * with their states, the same field names on every flag, so it compresses many times over): brotli or gzip as Accept-Encoding prefers, in zlib's
 * threads, off the event loop. Brotli at quality 4: its default (11) takes ~100x longer for a few
 * percent more. Answers already encoded, not strings, or small go out as they are.
 */
export async function compressLargeJson(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (typeof payload !== 'string' || payload.length < MIN_BYTES || reply.hasHeader('content-encoding')) {
    return payload;
  }
  const vary = reply.getHeader('vary');
  void reply.header('vary', vary ? `${String(vary)}, accept-encoding` : 'accept-encoding');
  const coding = preferredEncoding(request.headers['accept-encoding']);
  if (!coding) return payload;
  const body =
    coding === 'br'
      ? await brotli(payload, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 4,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: payload.length,
          },
        })
      : await gzipAsync(payload, { level: 6 });
  reply.removeHeader('content-length');
  void reply.header('content-encoding', coding);
  return body;
}
