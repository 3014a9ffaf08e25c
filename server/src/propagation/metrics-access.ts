import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../http/errors.js';

/**
 * The onRequest check of GET /metrics when `SWITCHYARD_METRICS_TOKEN` is set: the scraper sends
 * `Authorization: Bearer <token>` (Prometheus `authorization: { credentials: … }`), else 401.
 * Unset, /metrics stays public, as Kubernetes annotations scrape it, and then carries no keys.
 */
export function metricsTokenCheck(token: string): (request: FastifyRequest) => Promise<void> {
  const expected = digest(token);
  return async (request) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      throw unauthorized('GET /metrics needs "Authorization: Bearer <SWITCHYARD_METRICS_TOKEN>"');
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
