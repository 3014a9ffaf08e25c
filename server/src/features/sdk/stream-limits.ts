import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply } from 'fastify';
import type { TokenPrincipal } from '../../auth/principal.js';
import { HttpError } from '../../http/errors.js';

export interface StreamLimitsOptions {
  /** Streams this replica holds at most (every token kind); past it 503. */
  maxStreams: number;
  /** Streams one client token may hold from one IP address; past it 429. */
  maxStreamsPerClientIp: number;
  /** Called per refused stream (the `switchyard_sdk_streams_refused_total` metric). */
  onRefused?: (reason: 'replica_full' | 'per_client_ip') => void;
  /** Jitter source for `Retry-After` on 503 (tests pin it). */
  random?: () => number;
}

/** A client over its own share waits this long: one of its streams has to close first. */
const PER_CLIENT_RETRY_AFTER_S = 30;
/** A full replica spreads the retries over 5–15 s, so refused clients do not come back in one wave. */
const FULL_RETRY_AFTER_MIN_S = 5;
const FULL_RETRY_AFTER_SPREAD_S = 10;

/**
 * Caps on open SDK streams, checked before any snapshot work so that a refused stream costs
 * nothing. Each stream holds a file descriptor and memory for as long as its client wants, and a
 * client token is public (it ships in web pages), so without caps one script could open streams
 * until the process runs out of descriptors and stops answering anything, health probes included.
 *
 * - per replica (`maxStreams`, every token kind): kept well below the open-file limit, so health
 *   probes, admin requests and the database pool always find descriptors → 503 + `Retry-After`
 *   (a load balancer or the SDK tries again, maybe on another replica);
 * - per client token and IP address (`maxStreamsPerClientIp`): a browser tab needs one stream, so
 *   this only bites a script (or a large NAT: raise it then) → 429 + `Retry-After`.
 *   Server tokens are secret and not limited per IP (many pods share one egress address).
 */
export class StreamLimits {
  readonly #options: StreamLimitsOptions;
  readonly #random: () => number;
  #open = 0;
  readonly #perClientIp = new Map<string, number>();

  constructor(options: StreamLimitsOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** Streams open now on this replica. */
  get open(): number {
    return this.#open;
  }

  /**
   * Takes a slot for a stream of `principal` from `ip`, or throws the 503/429 (with `Retry-After`
   * set on `reply`). The slot is given back when the response closes, however it ends: streamed,
   * refused later in the handler, or cut by the client.
   */
  admit(principal: TokenPrincipal, ip: string, reply: FastifyReply): void {
    if (this.#open >= this.#options.maxStreams) {
      this.#options.onRefused?.('replica_full');
      const seconds = FULL_RETRY_AFTER_MIN_S + Math.floor(this.#random() * (FULL_RETRY_AFTER_SPREAD_S + 1));
      void reply.header('retry-after', String(seconds));
      throw new HttpError(
        503,
        `This server holds its maximum of ${this.#options.maxStreams} SDK streams; retry in ${seconds} s`,
      );
    }
    // IPv6 per /64 (what one subscriber gets), like the failed-authentication limit.
    const key = principal.tokenKind === 'client' ? `${principal.id} ${normalizeIP(ip)}` : undefined;
    if (key !== undefined) {
      const held = this.#perClientIp.get(key) ?? 0;
      if (held >= this.#options.maxStreamsPerClientIp) {
        this.#options.onRefused?.('per_client_ip');
        void reply.header('retry-after', String(PER_CLIENT_RETRY_AFTER_S));
        throw new HttpError(
          429,
          `This client token already has ${held} open streams from your address (the limit); close one or retry in ${PER_CLIENT_RETRY_AFTER_S} s`,
        );
      }
      this.#perClientIp.set(key, held + 1);
    }
    this.#open++;

    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#open--;
      if (key === undefined) return;
      const held = (this.#perClientIp.get(key) ?? 1) - 1;
      if (held <= 0) this.#perClientIp.delete(key);
      else this.#perClientIp.set(key, held);
    };
    const response = reply.raw;
    response.once('close', release);
    response.once('finish', release);
    // Cut while it was being authenticated: 'close' has been and gone.
    if (response.destroyed || response.socket?.destroyed) release();
  }
}
