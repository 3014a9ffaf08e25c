import type { FastifyInstance } from 'fastify';

/**
 * The methods each route path answers, for telling "no such route" (404) from "not with this
 * method" (405 with `Allow`). Fastify itself answers both with its not-found handler.
 */
export class RouteMethods {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];
  readonly #byUrl = new Map<string, Set<string>>();

  /** Records every route registered from now on (call before the routes are registered). */
  track(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const url = route.url ?? route.path;
      let methods = this.#byUrl.get(url);
      if (!methods) {
        methods = new Set();
        this.#byUrl.set(url, methods);
        this.#routes.push({ pattern: patternOf(url), methods });
      }
      for (const method of [route.method].flat()) methods.add(method);
    });
  }

  /** The methods some route answers for `path` (no query), sorted; empty when none matches. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

/** `/a/:b/*` → `^/a/[^/]+/.*$` (fastify's parameters and wildcards; everything else literal). */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:\w+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}
