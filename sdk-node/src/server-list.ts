/**
 * The flag servers a client may use (replicas of one deployment, equivalent for the client), in
 * the order given. Every request goes to the current one; a connection failure, time-out or 5xx
 * there moves the client on to the next (round robin), so an unreachable replica costs one failed
 * attempt rather than an outage. Success sticks: the client stays where it last got an answer.
 */
export class ServerList {
  readonly urls: readonly string[];
  #index = 0;

  /** `urls`: base URLs, trailing slashes are dropped; must not be empty. */
  constructor(urls: readonly string[]) {
    if (urls.length === 0) throw new TypeError('Switchyard: no server URL');
    this.urls = urls.map((url) => url.replace(/\/+$/, ''));
  }

  /** Base URL (no trailing slash) the next request goes to. */
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
}

/** The `url` option (one base URL or several) as a list; empty when none is given. */
export function serverUrls(url: string | readonly string[] | undefined): string[] {
  return (typeof url === 'string' ? [url] : [...(url ?? [])]).filter((item) => item !== '');
}
