import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../http/errors.js';

/**
 * The web console (the `console/` workspace) at `/`: its built files from `console/dist`, and
 * index.html for every other GET path the server does not own (the console routes in the
 * browser, so its URLs can be reloaded and shared). Everything the server owns keeps its own
 * answers, JSON 404s and 405s included.
 */

/** Paths that are never the console's: their unknown routes stay the API's JSON 404s. */
const SERVER_PATHS = /^\/(api|ofrep|docs|healthz|readyz|metrics)(\/|$)/;

/** Vite names these with a content hash: a new build gets new names, so they never change. */
const HASHED_ASSETS = '/assets/';

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
};

/** Types of the files Vite copies from console/public to the root of the build. */
const ROOT_FILE_TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

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

/** The file of the build a URL path names (relative to `dir`), or undefined (none, a folder, outside). */
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

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? '/';

/** Serves the console; registered at the root, outside the authenticated /api/v1 scope. */
export async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  const dir = options.dir ?? defaultConsoleDir();
  // serve: false: only `reply.sendFile` (ranges, ETags, the .br/.gz files), inside this plugin.
  await app.register(fastifyStatic, { root: dir, serve: false, preCompressed: true, index: false });

  /** index.html, revalidated on every load so a new build's asset names are picked up at once. */
  const sendIndex = async (reply: FastifyReply) => {
    let page: Buffer;
    try {
      page = await readFile(join(dir, 'index.html'));
    } catch {
      return reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT_PAGE);
    }
    return reply
      .code(200)
      .headers(SECURITY_HEADERS)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(page);
  };

  const hidden = { schema: { hide: true } };
  app.get('/', hidden, (_request, reply) => sendIndex(reply));
  app.get(`${HASHED_ASSETS}*`, hidden, async (request, reply) => {
    const file = await builtFile(dir, pathOf(request));
    // A missing hashed asset is a 404 (a page of an older build asking for it), not the app.
    if (file === undefined)
      throw notFound(`No console asset ${pathOf(request)}: reload the page for the current build`);
    return reply
      .headers({ ...SECURITY_HEADERS, vary: 'Accept-Encoding' })
      .sendFile(file, dir, { maxAge: '365d', immutable: true });
  });

  // Every other GET the routes do not answer: a file at the build's root (favicon.svg), or the app.
  app.notFoundFallbacks.push(async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = pathOf(request);
    if (SERVER_PATHS.test(pathname) || pathname.startsWith(HASHED_ASSETS)) return false;
    const file = await builtFile(dir, pathname);
    const type = file === undefined ? undefined : ROOT_FILE_TYPES[extname(file)];
    if (file !== undefined && type !== undefined) {
      const content = await readFile(join(dir, file));
      await reply
        .code(200)
        .headers(SECURITY_HEADERS)
        .header('cache-control', 'public, max-age=3600')
        .type(type)
        .send(content);
      return true;
    }
    await sendIndex(reply);
    return true;
  });
}
