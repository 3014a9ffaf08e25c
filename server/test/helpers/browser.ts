/**
 * Just enough of a browser for redirect-based sign-in tests: fetch with one cookie jar (cookies by
 * name, as a browser keeps them for one host: the tests' servers all listen on 127.0.0.1), and
 * redirects followed by hand so a test can stop at any hop.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  /** GET `url` with the jar's cookies; stores the response's cookies; does not follow redirects. */
  async get(url: string): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const split = pair.indexOf('=');
      const name = pair.slice(0, split).trim();
      const value = pair.slice(split + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url` until one points at a URL starting with `stop` (returned, not fetched). */
  async followUntil(url: string, stop: string, maxHops = 20): Promise<string> {
    let next = url;
    for (let hop = 0; hop < maxHops; hop++) {
      if (next.startsWith(stop)) return next;
      const response = await this.get(next);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) {
        throw new Error(`${next} answered ${response.status} without a redirect: ${await response.text()}`);
      }
      next = new URL(location, next).href;
    }
    throw new Error(`more than ${maxHops} redirects from ${url}`);
  }
}
