/** The kinds of request a client makes, each held off on its own after a `Retry-After`. */
export type RequestKind = 'stream' | 'snapshot' | 'metrics' | 'events';

/** A server's "not before": it answered a request of some kind with 429/503 and `Retry-After`. */
export interface HoldOff {
  /** Epoch ms before which no request of that kind goes to that server. */
  until: number;
  /** The status that asked for it (429 or 503) and the header as sent, for messages. */
  status: number;
  retryAfter: string;
}

/**
 * The flag servers a client may use (replicas of one deployment, equivalent for the client), in
 * the order given. Every request goes to the current one; a connection failure, time-out or 5xx
 * there moves the client on to the next (round robin), so an unreachable replica costs one failed
 * attempt rather than an outage. Success sticks: the client stays where it last got an answer.
 *
 * It also remembers each server's `Retry-After` per kind of request ({@link holdOff}): {@link pick}
 * skips a server held off for that kind when another is free (another replica may have room), and
 * when every server is held off it names the one free soonest, with {@link waitMs} saying how long.
 */
export class ServerList {
  readonly urls: readonly string[];
  #index = 0;
  /** Keyed `${kind} ${url}`; expired entries are simply ignored. */
  readonly #holdOffs = new Map<string, HoldOff>();

  /** `urls`: base URLs, trailing slashes are dropped; must not be empty. */
  constructor(urls: readonly string[]) {
    if (urls.length === 0) throw new TypeError('Switchyard: no server URL');
    this.urls = urls.map((url) => url.replace(/\/+$/, ''));
  }

  /** Base URL (no trailing slash) the next request goes to, hold-offs aside (see {@link pick}). */
  get current(): string {
    return this.urls[this.#index]!;
  }

  /**
   * A request to `url` failed in a way another replica may not (unreachable, time-out, 5xx, stream
   * lost): move on, unless a concurrent failure already did.
   */
  failed(url: string): void {
    if (url === this.current) this.#index = (this.#index + 1) % this.urls.length;
  }

  /** `url` asked (429/503 + `Retry-After`) that no request of `kind` come before `ms` from now. */
  holdOff(url: string, kind: RequestKind, ms: number, why: Omit<HoldOff, 'until'>, now = Date.now()): void {
    const key = `${kind} ${url}`;
    const until = now + ms;
    if ((this.#holdOffs.get(key)?.until ?? 0) < until) this.#holdOffs.set(key, { until, ...why });
  }

  /** The hold-off of `kind` requests to `url` still running at `now`, if any. */
  heldOff(url: string, kind: RequestKind, now = Date.now()): HoldOff | undefined {
    const holdOff = this.#holdOffs.get(`${kind} ${url}`);
    return holdOff && holdOff.until > now ? holdOff : undefined;
  }

  /**
   * The server for the next request of `kind`: the current one unless it is held off for `kind`;
   * then the next (round robin) that is not, which becomes current; when all are, the one free
   * soonest (also made current; {@link waitMs} says how long until then).
   */
  pick(kind: RequestKind, now = Date.now()): string {
    let soonest = this.#index;
    for (let step = 0; step < this.urls.length; step++) {
      const index = (this.#index + step) % this.urls.length;
      const holdOff = this.heldOff(this.urls[index]!, kind, now);
      if (!holdOff) {
        soonest = index;
        break;
      }
      if (holdOff.until < this.heldOff(this.urls[soonest]!, kind, now)!.until) soonest = index;
    }
    this.#index = soonest;
    return this.current;
  }

  /** Ms until a request of `kind` may go to `url` (0: now). */
  waitMs(url: string, kind: RequestKind, now = Date.now()): number {
    return Math.max(0, (this.heldOff(url, kind, now)?.until ?? now) - now);
  }
}

/** The `url` option (one base URL or several) as a list; empty when none is given. */
export function serverUrls(url: string | readonly string[] | undefined): string[] {
  return (typeof url === 'string' ? [url] : [...(url ?? [])]).filter((item) => item !== '');
}
