import diagnostics from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

/**
 * Every route of the app × every kind of caller → the expected status, from a rule table written
 * independently of the routes' own `config.auth`. Routes are collected with an onRoute hook on the
 * real app (attached through fastify's `fastify.initialization` diagnostics channel before any
 * plugin registers), so a new route is in the matrix without anyone adding it here; a route that
 * no rule covers fails the test.
 */

type Access = 'public' | 'admin' | 'sdk';

/** Who may call what, by URL. First match wins. */
const ROUTE_RULES: readonly { pattern: RegExp; access: Access }[] = [
  { pattern: /^\/(healthz|readyz|metrics)$/, access: 'public' },
  { pattern: /^\/docs(\/.*)?$/, access: 'public' },
  // The web console (index.html and its built files); it calls the admin API with the user's token.
  { pattern: /^\/(assets\/\*)?$/, access: 'public' },
  { pattern: /^\/api\/v1\/sdk\//, access: 'sdk' },
  { pattern: /^\/ofrep\/v1\//, access: 'sdk' },
  { pattern: /^\/api\/v1\//, access: 'admin' },
];

const CALLERS = [
  'none',
  'malformed',
  'wrong',
  'revoked admin',
  'revoked client',
  'admin',
  'server',
  'client',
  'server of another environment',
  'client of another environment',
] as const;
type Caller = (typeof CALLERS)[number];

/** `allowed` = got past authentication and authorization: neither 401 nor 403 (nor a 5xx). */
type Outcome = 401 | 403 | 'allowed';

const NOBODY: Record<'none' | 'malformed' | 'wrong' | 'revoked admin' | 'revoked client', Outcome> = {
  none: 401,
  malformed: 401,
  wrong: 401,
  'revoked admin': 401,
  'revoked client': 401,
};
const EXPECTED: Record<Access, Record<Caller, Outcome>> = {
  public: Object.fromEntries(CALLERS.map((caller) => [caller, 'allowed'])) as Record<Caller, Outcome>,
  admin: {
    ...NOBODY,
    admin: 'allowed',
    server: 403,
    client: 403,
    'server of another environment': 403,
    'client of another environment': 403,
  },
  // SDK routes take the environment from the token: any server or client token is fine, and gets its own.
  sdk: {
    ...NOBODY,
    admin: 403,
    server: 'allowed',
    client: 'allowed',
    'server of another environment': 'allowed',
    'client of another environment': 'allowed',
  },
};

/** Values for path parameters. A parameter not listed here fails the test: add it. */
const PARAMS: Record<string, string> = {
  project: 'authz',
  environment: 'production',
  flag: 'gate',
  segment: 'crowd',
  ruleId: 'r1',
  key: 'gate',
  id: '00000000-0000-4000-8000-000000000000',
  delivery: '00000000-0000-4000-8000-000000000001',
  '*': 'index.html',
};
/** The admin token runs the handlers for real: it gets keys that do not exist, so nothing is deleted. */
const ADMIN_PARAMS: Record<string, string> = { ...PARAMS, project: 'nowhere' };

interface CollectedRoute {
  method: string;
  url: string;
}

let t: TestApp;
let baseUrl: string;
const routes: CollectedRoute[] = [];
const headers = new Map<Caller, Record<string, string>>();
/** The environment each SDK caller's token belongs to. */
const environmentOf = new Map<Caller, string>();

function collectRoutes(message: unknown) {
  const app = (message as { fastify: FastifyInstance }).fastify;
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}

beforeAll(async () => {
  diagnostics.subscribe('fastify.initialization', collectRoutes);
  try {
    t = await createTestApp();
  } finally {
    diagnostics.unsubscribe('fastify.initialization', collectRoutes);
  }
  const admin = async (method: 'POST' | 'DELETE', url: string, payload?: object) => {
    const response = await t.app.inject({ method, url: `/api/v1${url}`, headers: t.adminHeaders, payload });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.body ? response.json() : undefined;
  };
  await admin('POST', '/projects', { key: 'authz', name: 'Authz' });
  for (const key of ['production', 'staging']) await admin('POST', '/projects/authz/environments', { key, name: key });
  await admin('POST', '/projects/authz/flags', { key: 'gate', name: 'Gate', type: 'boolean', clientSide: true });
  await admin('POST', '/projects/authz/segments', { key: 'crowd', name: 'Crowd', conditions: [] });

  const token = async (name: string, kind: string, environment?: string) => {
    const scope = environment === undefined ? {} : { project: 'authz', environment };
    return (await admin('POST', '/tokens', { name, kind, ...scope })) as { id: string; secret: string };
  };
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const sdkCallers: [Caller, 'server' | 'client', string][] = [
    ['server', 'server', 'production'],
    ['client', 'client', 'production'],
    ['server of another environment', 'server', 'staging'],
    ['client of another environment', 'client', 'staging'],
  ];
  for (const [caller, kind, environment] of sdkCallers) {
    headers.set(caller, bearer((await token(caller, kind, environment)).secret));
    environmentOf.set(caller, environment);
  }
  headers.set('admin', t.adminHeaders);
  headers.set('none', {});
  headers.set('malformed', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` });
  headers.set('wrong', bearer(`sy_admin_${randomBytes(32).toString('base64url')}`));
  for (const [caller, kind, environment] of [
    ['revoked admin', 'admin', undefined],
    ['revoked client', 'client', 'production'],
  ] as const) {
    const revoked = await token(caller, kind, environment);
    await admin('DELETE', `/tokens/${revoked.id}`);
    headers.set(caller, bearer(revoked.secret));
  }

  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

function accessOf(url: string): Access | undefined {
  return ROUTE_RULES.find((rule) => rule.pattern.test(url))?.access;
}

function fill(url: string, params: Record<string, string>): string {
  return url.replace(/:(\w+)|\*/g, (match, name: string | undefined) => {
    const value = params[name ?? match];
    if (value === undefined) throw new Error(`No test value for path parameter '${name ?? match}' of ${url}`);
    return value;
  });
}

/** Calls the route; streams (SSE) are cancelled once their status is known. */
async function call(method: string, path: string, caller: Caller, timeoutMs = 10_000) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: headers.get(caller)!,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: unknown) => {
    throw new Error(`${method} ${path} as ${caller}: ${String(error)}`);
  });
  const type = response.headers.get('content-type') ?? '';
  let body: unknown = undefined;
  if (type.startsWith('text/event-stream')) await response.body?.cancel();
  else {
    const text = await response.text(); // empty for HEAD
    if (type.startsWith('application/json') && text !== '') body = JSON.parse(text);
  }
  return { status: response.status, body };
}

describe('authorization matrix', () => {
  it('collects every route of the app', () => {
    const names = routes.map((route) => `${route.method} ${route.url}`);
    // A few known routes prove the collection works; the matrix covers whatever is there.
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /docs/json',
        'GET /api/v1/projects',
        'DELETE /api/v1/projects/:project/segments/:segment',
        'GET /api/v1/audit',
        'GET /api/v1/sdk/snapshot',
        'GET /api/v1/sdk/stream',
      ]),
    );
    const unclassified = names.filter((name) => accessOf(name.split(' ')[1]!) === undefined);
    expect(unclassified, 'routes no rule of ROUTE_RULES covers').toEqual([]);
  });

  it('answers every route × caller as the rule table says', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const { method, url } of routes) {
      const access = accessOf(url)!;
      for (const caller of CALLERS) {
        const path = fill(url, caller === 'admin' ? ADMIN_PARAMS : PARAMS);
        const expected = EXPECTED[access][caller];
        checked++;
        const { status, body } = await call(method, path, caller);
        const unrouted = status === 404 && String((body as { message?: string })?.message).startsWith('No route');
        const ok =
          expected === 'allowed' ? status !== 401 && status !== 403 && status < 500 && !unrouted : status === expected;
        if (!ok) mismatches.push(`${method} ${path} as ${caller}: expected ${expected}, got ${status}`);
        // An SDK caller gets its own environment, whichever one the URL or another token names.
        const environmentKey = (body as { environmentKey?: unknown } | undefined)?.environmentKey;
        if (access === 'sdk' && status === 200 && environmentKey !== undefined) {
          if (environmentKey !== environmentOf.get(caller)) {
            mismatches.push(`${method} ${path} as ${caller}: got environment ${String(environmentKey)}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
  }, 120_000);

  it('answers HEAD /api/v1/sdk/stream with the stream headers instead of hanging', async () => {
    const response = await call('HEAD', '/api/v1/sdk/stream', 'server', 3000);
    expect(response.status).toBe(200);
  });

  it('gives the rejections the error shape', async () => {
    const none = await call('GET', '/api/v1/projects', 'none');
    expect(none.body).toMatchObject({ error: 'unauthorized' });
    const wrongKind = await call('GET', '/api/v1/projects', 'client');
    expect(wrongKind.body).toMatchObject({ error: 'forbidden' });
    const adminOnSdk = await call('GET', '/api/v1/sdk/snapshot', 'admin');
    expect(adminOnSdk.body).toMatchObject({ error: 'forbidden' });
  });
});
