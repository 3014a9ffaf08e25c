import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web console (the `console/` workspace) at `/`: its built files from `console/dist`, and
 * index.html for every other GET path the server does not own (the console routes in the
 * browser). Everything the server owns keeps its own answers, JSON 404s included.
 */

/** Paths that are never the console's: their unknown routes stay the API's JSON 404/405. */
const SERVER_PATHS = /^\/(api|ofrep|docs|healthz|readyz|metrics)(\/|$)/;

/**
 * Strict CSP: scripts, styles and everything else only from this origin; no inline script or
 * style (Vite emits files, and the console sets no style attributes), no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  vary: 'Accept-Encoding',
};

/** Vite names these with a content hash: a new build gets new names, so they never change. */
const HASHED_ASSETS = '/assets/';

/**
 * `console/dist` beside the server workspace of `moduleUrl` (server/src/console/plugin.ts in tests,
 * server/dist/… when built or bundled into server/dist/main.js, /app/server/… in the image).
 */
export function defaultConsoleDir(moduleUrl: string = import.meta.url): string {
  const file = fileURLToPath(moduleUrl);
  const server = file.lastIndexOf(`${sep}server${sep}`);
  return join(server === -1 ? process.cwd() : file.slice(0, server), 'console', 'dist');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard: console not built</title></head>
<body><main><h1>The Switchyard console is not built</h1>
<p>Build it with <code>npm run build</code> (or <code>npm run build -w console</code>) in the repository, then reload.</p>
<p>The server itself is running: the API is under <a href="/api/v1">/api/v1</a>, its documentation at <a href="/docs">/docs</a>.</p>
</main></body></html>
`;

export interface ConsolePluginOptions {
  /** The console's build output; default: `console/dist` of the repository. */
  dir?: string;
}

/** A file of the build for a URL path, or undefined (none, a folder, or outside the build). */
async function builtFile(dir: string, pathname: string): Promise<string | undefined> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
  } catch {
    return undefined;
  }
  if (relative === '' || relative.split(/[/\\]/).includes('..')) return undefined;
  try {
    return (await stat(join(dir, relative))).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}

/** Serves the console; registered at the root, outside the authenticated /api/v1 scope. */
export async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  const dir = options.dir ?? defaultConsoleDir();
  // serve: false: only `reply.sendFile`, so the routes below decide what a missing file means.
  await app.register(fastifyStatic, { root: dir, serve: false, preCompressed: true, index: false });

  const sendIndex = async (reply: FastifyReply) => {
    if ((await builtFile(dir, 'index.html')) === undefined) {
      return reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT_PAGE);
    }
    // Revalidated on every load (ETag), so a new build's asset names are picked up at once.
    reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache');
    return reply.sendFile('index.html', dir, { cacheControl: false });
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(pathname)) return reply.callNotFound();
    const file = await builtFile(dir, pathname);
    if (file !== undefined) {
      reply.headers(SECURITY_HEADERS);
      const hashed = pathname.startsWith(HASHED_ASSETS);
      return reply.sendFile(file, dir, hashed ? { maxAge: '365d', immutable: true } : { maxAge: '1h' });
    }
    // A missing hashed asset is a 404 (an old page asking for a replaced build), not the app.
    if (pathname.startsWith(HASHED_ASSETS)) return reply.callNotFound();
    return sendIndex(reply);
  };

  // `catchAll`: these answer paths no other route does; they must not make every path look routed
  // to the 405 check (http/method-not-allowed.ts). Hidden from the OpenAPI document.
  const route = { config: { catchAll: true }, schema: { hide: true } };
  app.get('/', route, handler);
  app.get('/*', route, handler);
}
