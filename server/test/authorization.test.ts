import diagnostics from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { freePort, RedisProcess } from './propagation/support/processes.js';

/**
 * The access matrix: every operation of the OpenAPI document × every kind of caller → the
 * expected status, from tables written here, independently of the routes' `config.access` and of
 * server/src/auth/permissions.ts. Asked of two replicas (one PostgreSQL, one private Redis), so
 * each one's caches (tokens, project scopes) give the same answers. A route missing from the
 * document, or an operation no rule classifies, fails the test; so does any 2xx the tables do not
 * expect.
 *
 * To add a kind of caller: add a row to CALLERS (how to make its headers, and what it is: a role
 * on the matrix project or another one, an instance role, an SDK token, or a caller that must be
 * refused with a given status). People are callers too: users signed in with a session cookie (and
 * its CSRF token), with a personal access token, disabled, signed out, with an expired session or
 * a wrong CSRF token.
 */

/** What an operation does, by method and path: the independent classification. */
type Access =
  | 'public' // health, metrics, docs
  | 'sdk' // SDK and OFREP endpoints: server or client tokens
  | 'signed-in' // any signed-in caller; the answer is filtered by rights (GET /projects)
  | 'instance' // instance admins: create projects
  | 'instance-audit' // the whole instance's audit log: instance admins and viewers of every project
  | 'tokens' // API tokens: admins of some project, or instance admins
  | 'read' // anything read inside a project
  | 'flag-write' // flags themselves (no environment)
  | 'config-write' // a flag's configuration in the matrix environment, which is PROTECTED (role: admin)
  | 'kill' // kill and restore
  | 'segment-write'
  | 'project-admin' // the project, its environments and their protection, its members
  | 'user' // a person's own things (personal tokens, sessions): users only, API tokens get 403
  | 'sign-out' // like signed-in, but ends the caller's session (each session caller signs out a spare one)
  | 'sign-out-everywhere'; // like sign-out, but ends every session of the caller's user (a stand-in user's)

const OPERATION_RULES: readonly { method?: string; pattern: RegExp; access: Access }[] = [
  { pattern: /^\/(healthz|readyz|metrics)$/, access: 'public' },
  { method: 'POST', pattern: /^\/api\/v1\/(sign-in\/password|setup)$/, access: 'public' },
  { method: 'GET', pattern: /^\/api\/v1\/sign-in\/(methods|oidc|oidc\/callback)$/, access: 'public' },
  { method: 'POST', pattern: /^\/api\/v1\/sign-out$/, access: 'sign-out' },
  { method: 'POST', pattern: /^\/api\/v1\/sign-out\/everywhere$/, access: 'sign-out-everywhere' },
  { method: 'GET', pattern: /^\/api\/v1\/me$/, access: 'signed-in' },
  { pattern: /^\/api\/v1\/me\/(tokens|sessions)(\/|$)/, access: 'user' },
  { pattern: /^\/api\/v1\/users(\/|$)/, access: 'instance' },
  { pattern: /^\/api\/v1\/webhooks(\/|$)/, access: 'instance' },
  { method: 'PUT', pattern: /^\/api\/v1\/projects\/[^/]+\/members\/[^/]+$/, access: 'project-admin' },
  { method: 'DELETE', pattern: /^\/api\/v1\/projects\/[^/]+\/members\/[^/]+$/, access: 'project-admin' },
  { pattern: /^\/api\/v1\/sdk\//, access: 'sdk' },
  { pattern: /^\/ofrep\/v1\//, access: 'sdk' },
  // A trigger's URL: its secret is the credential (an unknown one is a 404, not a 401).
  { pattern: /^\/api\/v1\/triggers\/incoming\//, access: 'public' },
  { method: 'GET', pattern: /^\/api\/v1\/projects$/, access: 'signed-in' },
  { method: 'POST', pattern: /^\/api\/v1\/projects$/, access: 'instance' },
  { pattern: /^\/api\/v1\/audit$/, access: 'instance-audit' },
  // The live stream: any signed-in caller; it sends only the projects the caller may read.
  { method: 'GET', pattern: /^\/api\/v1\/events$/, access: 'signed-in' },
  { method: 'GET', pattern: /^\/api\/v1\/flags$/, access: 'signed-in' },
  { pattern: /^\/api\/v1\/tokens(\/|$)/, access: 'tokens' },
  { method: 'GET', pattern: /^\/api\/v1\/projects\/[^/]+(\/.*)?$/, access: 'read' },
  { method: 'POST', pattern: /^\/api\/v1\/projects\/[^/]+\/flags\/[^/]+\/(kill|restore)$/, access: 'kill' },
  { method: 'POST', pattern: /\/environments\/[^/]+\/(kill|restore)$/, access: 'kill' },
  { pattern: /^\/api\/v1\/projects\/[^/]+\/flags\/[^/]+\/environments\/[^/]+(\/.*)?$/, access: 'config-write' },
  { pattern: /^\/api\/v1\/projects\/[^/]+\/flags(\/.*)?$/, access: 'flag-write' },
  { pattern: /^\/api\/v1\/projects\/[^/]+\/segments(\/.*)?$/, access: 'segment-write' },
  { pattern: /^\/api\/v1\/projects\/[^/]+\/triggers(\/.*)?$/, access: 'flag-write' },
  { pattern: /^\/api\/v1\/projects\/[^/]+(\/environments(\/[^/]+)?)?$/, access: 'project-admin' },
];

type Role = 'viewer' | 'responder' | 'editor' | 'admin';

/** Which project roles may do what (in their own project), from the description of the roles. */
const ROLES_ALLOWED: Record<
  'read' | 'flag-write' | 'config-write' | 'kill' | 'segment-write' | 'project-admin',
  Role[]
> = {
  read: ['viewer', 'responder', 'editor', 'admin'],
  kill: ['responder', 'editor', 'admin'],
  'flag-write': ['editor', 'admin'],
  'config-write': ['admin'], // the environment is protected (its protectedRole: admin)
  'segment-write': ['editor', 'admin'],
  'project-admin': ['admin'],
};

/** `allowed` = got past authentication and authorization: neither 401 nor 403 (nor a 5xx). */
type Outcome = 401 | 403 | 'allowed';

/** What a caller is, for the expectation. */
type CallerKind =
  | { is: 'refused'; status: 401 | 403 } // missing, malformed, wrong, revoked, expired credentials, …
  | { is: 'instance' } // owner or instance admin
  | { is: 'project'; role: Role; project: 'own' | 'other' | 'every' }
  | { is: 'sdk' }
  // Authenticated by the session cookie but sending no (or a wrong) CSRF token: unsafe methods are
  // 403 wherever authentication is needed; safe ones are answered as for `as`.
  | { is: 'without-csrf'; as: CallerKind };

interface Caller {
  name: string;
  kind: CallerKind;
  /** Headers of its requests (made once, in beforeAll). */
  headers: (setup: Setup) => Promise<Record<string, string>>;
  /** A person (session or personal access token), not an API token. */
  user?: boolean;
  /** For operations that end the caller's session (sign-out): headers of a spare session of the same user. */
  spare?: (setup: Setup) => Promise<Record<string, string>>;
  /** For operations that end every session of the caller's user: a session of a new user with the same grant. */
  standIn?: (setup: Setup) => Promise<Record<string, string>>;
}

interface Setup {
  /** An admin request on replica A (the owner's token, or the given headers). */
  admin(
    method: string,
    url: string,
    payload?: object,
    headers?: Record<string, string>,
  ): Promise<{ id: string; secret: string }>;
  /** Mints a token; returns its Authorization header. */
  token(payload: Record<string, unknown>): Promise<{ id: string; secret: string; headers: Record<string, string> }>;
  database: Database;
  ownerHeaders: Record<string, string>;
  /** Creates a user (password {@link USER_PASSWORD}) with a role on the matrix project, another one, or an instance role. */
  user(email: string, grant: UserGrant | UserGrant[] | { instanceRole: 'admin' }): Promise<string>;
  /** Signs in on replica A: the session cookie and its CSRF token as headers. */
  signIn(email: string): Promise<Record<string, string>>;
}

const USER_PASSWORD = 'matrix password 1';
type UserGrant = { role: Role; project: 'authz' | 'other' };
let userCount = 0;
const kindOf = (grant: UserGrant | { instanceRole: 'admin' }): CallerKind =>
  'instanceRole' in grant
    ? { is: 'instance' }
    : { is: 'project', role: grant.role, project: grant.project === 'authz' ? 'own' : 'other' };

/** A user with `grant`, signed in: their session headers (cookie + CSRF token). */
const sessionCaller = (
  name: string,
  grant: { role: Role; project: 'authz' | 'other' } | { instanceRole: 'admin' },
  options: { csrf?: 'wrong' | 'missing' } = {},
): Caller => {
  const email = `session-${++userCount}@matrix.example`;
  return {
    name,
    user: true,
    kind: options.csrf ? { is: 'without-csrf', as: kindOf(grant) } : kindOf(grant),
    headers: async (setup) => {
      await setup.user(email, grant);
      const headers = await setup.signIn(email);
      if (options.csrf === 'missing') return { cookie: headers['cookie']! };
      return options.csrf === 'wrong' ? { ...headers, 'x-csrf-token': randomBytes(32).toString('base64url') } : headers;
    },
    spare: (setup) => setup.signIn(email),
    standIn: async (setup) => {
      const standIn = `stand-in-${++userCount}@matrix.example`;
      await setup.user(standIn, grant);
      return setup.signIn(standIn);
    },
  };
};

/** A user with `grant` and a personal access token with `cap`. */
const patCaller = (
  name: string,
  kind: CallerKind,
  grant: UserGrant | UserGrant[],
  cap: { project?: string; role?: Role } = {},
): Caller => {
  const email = `pat-${++userCount}@matrix.example`;
  return {
    name,
    user: true,
    kind,
    headers: async (setup) => {
      await setup.user(email, grant);
      const session = await setup.signIn(email);
      const created = await setup.admin('POST', '/me/tokens', { name: 'matrix', ...cap }, session);
      return bearer(created.secret);
    },
  };
};

/** A user whose credentials must all be refused once `end` ran (disabled, signed out, expired, …). */
const endedCaller = (
  name: string,
  via: 'session' | 'pat',
  end: (setup: Setup, userId: string, session: Record<string, string>) => Promise<void>,
): Caller => {
  const email = `ended-${++userCount}@matrix.example`;
  return {
    name,
    user: true,
    kind: { is: 'refused', status: 401 },
    headers: async (setup) => {
      const userId = await setup.user(email, { role: 'admin', project: 'authz' });
      const session = await setup.signIn(email);
      const headers =
        via === 'session'
          ? session
          : bearer((await setup.admin('POST', '/me/tokens', { name: 'matrix' }, session)).secret);
      await end(setup, userId, session);
      return headers;
    },
  };
};

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
let tokenCount = 0;
const mint = (setup: Setup, payload: Record<string, unknown>) =>
  setup.token({ name: `matrix ${++tokenCount}`, ...payload }).then((token) => token.headers);
const role = (r: Role, project: 'own' | 'other' | 'every'): Caller => ({
  name: `${r} on ${project === 'own' ? 'its project' : project === 'other' ? 'another project' : 'every project'}`,
  kind: { is: 'project', role: r, project },
  headers: (setup) =>
    mint(setup, {
      kind: 'admin',
      role: r,
      ...(project === 'every' ? {} : { project: project === 'own' ? 'authz' : 'other' }),
    }),
});

/** Every kind of caller. Users and sessions add rows here. */
const CALLERS: readonly Caller[] = [
  { name: 'anonymous', kind: { is: 'refused', status: 401 }, headers: async () => ({}) },
  {
    name: 'malformed header',
    kind: { is: 'refused', status: 401 },
    headers: async () => ({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }),
  },
  {
    name: 'unknown token',
    kind: { is: 'refused', status: 401 },
    headers: async () => bearer(`sy_admin_${randomBytes(32).toString('base64url')}`),
  },
  {
    name: 'unknown session cookie',
    kind: { is: 'refused', status: 401 },
    headers: async () => ({ cookie: `switchyard_session=${randomBytes(32).toString('base64url')}` }),
  },
  {
    name: 'revoked admin token',
    kind: { is: 'refused', status: 401 },
    headers: async (setup) => {
      const token = await setup.token({ name: `matrix ${++tokenCount}`, kind: 'admin' });
      await setup.admin('DELETE', `/tokens/${token.id}`);
      return token.headers;
    },
  },
  {
    name: 'revoked client token',
    kind: { is: 'refused', status: 401 },
    headers: async (setup) => {
      const token = await setup.token({
        name: `matrix ${++tokenCount}`,
        kind: 'client',
        project: 'authz',
        environment: 'production',
      });
      await setup.admin('DELETE', `/tokens/${token.id}`);
      return token.headers;
    },
  },
  {
    name: 'expired project admin token',
    kind: { is: 'refused', status: 401 },
    headers: async (setup) => {
      const token = await setup.token({
        name: `matrix ${++tokenCount}`,
        kind: 'admin',
        role: 'admin',
        project: 'authz',
      });
      await setup.database.prisma.apiToken.update({
        where: { id: token.id },
        data: { expiresAt: new Date(Date.now() - 60_000) },
      });
      return token.headers;
    },
  },
  { name: 'owner (bootstrap token)', kind: { is: 'instance' }, headers: async (setup) => setup.ownerHeaders },
  { name: 'instance admin token', kind: { is: 'instance' }, headers: (setup) => mint(setup, { kind: 'admin' }) },
  ...(['viewer', 'responder', 'editor', 'admin'] as const).flatMap((r) => [role(r, 'own'), role(r, 'other')]),
  role('viewer', 'every'),
  // People: sessions (cookie + CSRF token) and personal access tokens.
  sessionCaller('instance admin session', { instanceRole: 'admin' }),
  ...(['viewer', 'responder', 'editor', 'admin'] as const).map((r) =>
    sessionCaller(`${r} session on its project`, { role: r, project: 'authz' }),
  ),
  sessionCaller('admin session on another project', { role: 'admin', project: 'other' }),
  sessionCaller('editor session with a wrong CSRF token', { role: 'editor', project: 'authz' }, { csrf: 'wrong' }),
  sessionCaller('admin session without a CSRF token', { role: 'admin', project: 'authz' }, { csrf: 'missing' }),
  patCaller(
    'personal token of an editor',
    { is: 'project', role: 'editor', project: 'own' },
    { role: 'editor', project: 'authz' },
  ),
  patCaller(
    'personal token capped to viewer, of an admin',
    { is: 'project', role: 'viewer', project: 'own' },
    { role: 'admin', project: 'authz' },
    { role: 'viewer' },
  ),
  patCaller(
    'personal token capped to another project, of an admin here and a viewer there',
    { is: 'project', role: 'viewer', project: 'other' },
    [
      { role: 'admin', project: 'authz' },
      { role: 'viewer', project: 'other' },
    ],
    { project: 'other' },
  ),
  endedCaller('session of a disabled user', 'session', async (setup, id) => {
    await setup.admin('PATCH', `/users/${id}`, { disabled: true });
  }),
  endedCaller('personal token of a disabled user', 'pat', async (setup, id) => {
    await setup.admin('PATCH', `/users/${id}`, { disabled: true });
  }),
  endedCaller('signed-out session', 'session', async (setup, _id, session) => {
    await setup.admin('POST', '/sign-out', undefined, session);
  }),
  endedCaller('session of a user signed out everywhere', 'session', async (setup, id) => {
    await setup.admin('DELETE', `/users/${id}/sessions`);
  }),
  endedCaller('expired session', 'session', async (setup, id) => {
    await setup.database.prisma.userSession.updateMany({
      where: { userId: id },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
  }),
  endedCaller('idle session', 'session', async (setup, id) => {
    await setup.database.prisma.userSession.updateMany({
      where: { userId: id },
      data: { lastSeenAt: new Date(Date.now() - 13 * 3_600_000) },
    });
  }),
  endedCaller('revoked personal token', 'pat', async (setup, id) => {
    const token = await setup.database.prisma.personalToken.findFirstOrThrow({ where: { userId: id } });
    const session = await setup.signIn((await setup.database.prisma.user.findUniqueOrThrow({ where: { id } })).email);
    await setup.admin('DELETE', `/me/tokens/${token.id}`, undefined, session);
  }),
  {
    name: 'server token',
    kind: { is: 'sdk' },
    headers: (setup) => mint(setup, { kind: 'server', project: 'authz', environment: 'production' }),
  },
  {
    name: 'client token',
    kind: { is: 'sdk' },
    headers: (setup) => mint(setup, { kind: 'client', project: 'authz', environment: 'production' }),
  },
  {
    name: 'client token of another project',
    kind: { is: 'sdk' },
    headers: (setup) => mint(setup, { kind: 'client', project: 'other', environment: 'production' }),
  },
];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The expected outcome of `method` on an operation of `access` for `caller`: the independent table. */
function expectedFor(method: string, access: Access, caller: Caller): Outcome {
  if (access === 'public') return 'allowed';
  const { kind } = caller;
  if (kind.is === 'without-csrf' && UNSAFE.has(method)) return 403;
  const as = kind.is === 'without-csrf' ? kind.as : kind;
  if (access === 'user' && as.is !== 'refused' && as.is !== 'sdk') return caller.user ? 'allowed' : 403;
  const signsOut = access === 'sign-out' || access === 'sign-out-everywhere';
  return expected(signsOut || access === 'user' ? 'signed-in' : access, as, method);
}

/** The expected outcome of `access` for `caller`: the independent table. */
function expected(
  access: Exclude<Access, 'user' | 'sign-out' | 'sign-out-everywhere'>,
  caller: CallerKind,
  method: string,
): Outcome {
  if (access === 'public') return 'allowed';
  if (caller.is === 'without-csrf') return UNSAFE.has(method) ? 403 : expected(access, caller.as, method);
  if (caller.is === 'refused') return caller.status;
  if (access === 'sdk') return caller.is === 'sdk' ? 'allowed' : 403;
  if (caller.is === 'sdk') return 403;
  if (caller.is === 'instance' || access === 'signed-in') return 'allowed';
  switch (access) {
    case 'instance':
      return 403;
    case 'instance-audit':
      return caller.project === 'every' ? 'allowed' : 403;
    case 'tokens':
      return caller.role === 'admin' ? 'allowed' : 403;
    default:
      if (caller.project === 'other') return 403;
      return ROLES_ALLOWED[access].includes(caller.role) ? 'allowed' : 403;
  }
}

/**
 * Values for path parameters. The matrix project exists (scoped callers are allowed there), its
 * environment is protected; flags and segments named here do not exist, so the handlers allowed
 * callers reach answer 404 and change nothing.
 */
const PARAMS: Record<string, string> = {
  project: 'authz',
  environment: 'production',
  flag: 'no-such-flag',
  segment: 'no-such-segment',
  ruleId: 'r1',
  key: 'gate',
  id: '00000000-0000-4000-8000-000000000000',
  secret: 'sy_trigger_not-a-trigger',
  userId: '00000000-0000-4000-8000-000000000000',
  delivery: '00000000-0000-4000-8000-000000000001',
};

interface Operation {
  method: string;
  path: string;
}

interface Replica {
  name: string;
  app: App;
  baseUrl: string;
}

let t: TestApp;
let redis: RedisProcess;
let second: { app: App; db: Database } | undefined;
const replicas: Replica[] = [];
let operations: Operation[] = [];
const headers = new Map<string, Record<string, string>>();
const routes: { method: string; url: string }[] = [];
let spareSetup: Setup;

function collectRoutes(message: unknown) {
  const app = (message as { fastify: FastifyInstance }).fastify;
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}

beforeAll(async () => {
  redis = new RedisProcess(await freePort());
  await redis.start();
  diagnostics.subscribe('fastify.initialization', collectRoutes);
  try {
    // A cheaper scrypt: the matrix signs in a few dozen times.
    t = await createTestApp({ redisUrl: redis.url, scryptLogN: 12 });
  } finally {
    diagnostics.unsubscribe('fastify.initialization', collectRoutes);
  }
  const db = await openDatabase({ databaseUrl: t.config.databaseUrl, dataDir: t.config.dataDir });
  second = { db, app: await buildApp({ db, config: t.config, logger: false }) };
  replicas.push({ name: 'A', app: t.app, baseUrl: await t.app.listen({ port: 0, host: '127.0.0.1' }) });
  replicas.push({ name: 'B', app: second.app, baseUrl: await second.app.listen({ port: 0, host: '127.0.0.1' }) });

  const admin: Setup['admin'] = async (method, url, payload, headers = t.adminHeaders) => {
    const response = await t.app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      headers,
      payload,
    });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.body ? response.json() : undefined;
  };
  for (const project of ['authz', 'other']) {
    await admin('POST', '/projects', { key: project, name: project });
    await admin('POST', `/projects/${project}/environments`, {
      key: 'production',
      name: 'Production',
      protected: true,
    });
    await admin('POST', `/projects/${project}/environments`, { key: 'staging', name: 'Staging' });
    // Projects with flags are only deleted with ?force: the matrix's DELETEs cannot remove them.
    await admin('POST', `/projects/${project}/flags`, { key: 'gate', name: 'Gate', type: 'boolean', clientSide: true });
    await admin('POST', `/projects/${project}/segments`, { key: 'crowd', name: 'Crowd', conditions: [] });
  }
  const setup: Setup = {
    admin,
    async token(payload) {
      const created = await admin('POST', '/tokens', payload);
      return { ...created, headers: bearer(created.secret) };
    },
    database: t.db,
    ownerHeaders: t.adminHeaders,
    async user(email, grant) {
      const created = await admin('POST', '/users', {
        email,
        displayName: email.split('@')[0],
        password: USER_PASSWORD,
        ...('instanceRole' in grant ? { instanceRole: grant.instanceRole } : {}),
      });
      const grants = Array.isArray(grant) ? grant : 'role' in grant ? [grant] : [];
      for (const { project, role } of grants) {
        await admin('PUT', `/projects/${project}/members/${created.id}`, { role });
      }
      return created.id;
    },
    async signIn(email) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/sign-in/password',
        payload: { email, password: USER_PASSWORD },
      });
      expect(response.statusCode, response.body).toBe(200);
      const cookie = String(response.headers['set-cookie']).split(';')[0]!;
      return { cookie, 'x-csrf-token': response.json<{ csrfToken: string }>().csrfToken };
    },
  };
  for (const caller of CALLERS) headers.set(caller.name, await caller.headers(setup));
  spareSetup = setup;

  const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
}, 120_000);

afterAll(async () => {
  await second?.app.close();
  await second?.db.close();
  await t?.close();
  await redis?.stop();
});

function accessOf(method: string, path: string): Access | undefined {
  return OPERATION_RULES.find((rule) => (rule.method ?? method) === method && rule.pattern.test(path))?.access;
}

function fill(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = PARAMS[name];
    if (value === undefined) throw new Error(`No test value for path parameter '${name}' of ${path}`);
    return value;
  });
}

/** Calls the operation; streams (SSE) are cancelled once their status is known. */
async function call(
  replica: Replica,
  method: string,
  path: string,
  callerHeaders: Record<string, string>,
  body?: object,
) {
  const response = await fetch(`${replica.baseUrl}${path}`, {
    method,
    headers: { ...callerHeaders, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const type = response.headers.get('content-type') ?? '';
  let parsed: unknown = undefined;
  if (type.startsWith('text/event-stream')) await response.body?.cancel();
  else {
    const text = await response.text();
    if (type.startsWith('application/json') && text !== '') parsed = JSON.parse(text);
  }
  return { status: response.status, body: parsed };
}

function outcomeMatches(expectedOutcome: Outcome, status: number, body: unknown): boolean {
  const unrouted = status === 404 && String((body as { message?: string })?.message).startsWith('No route');
  if (expectedOutcome === 'allowed') return status !== 401 && status !== 403 && status < 500 && !unrouted;
  return status === expectedOutcome;
}

describe('access matrix (OpenAPI operations × callers × two replicas)', () => {
  it('has every API route in the OpenAPI document, and a rule for every operation', () => {
    const documented = new Set(operations.map((op) => `${op.method} ${op.path.replace(/\{(\w+)\}/g, ':$1')}`));
    const undocumented = routes
      .filter((route) => /^\/(api|ofrep)\//.test(route.url) && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`)
      .filter((name) => !documented.has(name));
    expect(undocumented, 'API routes hidden from the OpenAPI document').toEqual([]);
    expect(operations.length).toBeGreaterThan(40);
    const unclassified = operations.filter((op) => accessOf(op.method, op.path) === undefined);
    expect(unclassified, 'operations no rule of OPERATION_RULES covers').toEqual([]);
  });

  it('answers every operation × caller as the tables say, on both replicas, with no unexpected 2xx', async () => {
    const mismatches: string[] = [];
    let unexpected2xx = 0;
    let checked = 0;
    for (const { method, path } of operations) {
      const access = accessOf(method, path)!;
      const url = fill(path);
      for (const caller of CALLERS) {
        const want = expectedFor(method, access, caller);
        for (const replica of replicas) {
          checked++;
          // Signing out ends the session: session callers sign out a spare one (of the same user).
          const withCsrf = caller.kind.is !== 'without-csrf';
          const spare = access === 'sign-out' && caller.spare && withCsrf;
          const standIn = access === 'sign-out-everywhere' && caller.standIn && withCsrf;
          const callerHeaders = standIn
            ? await caller.standIn!(spareSetup)
            : spare
              ? await caller.spare!(spareSetup)
              : headers.get(caller.name)!;
          const { status, body } = await call(replica, method, url, callerHeaders);
          if (!outcomeMatches(want, status, body)) {
            mismatches.push(`${replica.name}: ${method} ${url} as ${caller.name}: expected ${want}, got ${status}`);
            if (want !== 'allowed' && status < 300) unexpected2xx++;
          }
        }
      }
    }
    process.stdout.write(
      `access matrix: ${operations.length} operations × ${CALLERS.length} callers × ${replicas.length} replicas = ${checked} requests\n`,
    );
    expect(mismatches).toEqual([]);
    expect(unexpected2xx).toBe(0);
    expect(checked).toBe(operations.length * CALLERS.length * replicas.length);
  }, 300_000);

  it('gives the rejections the error shape', async () => {
    const [a] = replicas;
    expect((await call(a!, 'GET', '/api/v1/projects', {})).body).toMatchObject({ error: 'unauthorized' });
    const client = headers.get('client token')!;
    expect((await call(a!, 'GET', '/api/v1/projects', client)).body).toMatchObject({ error: 'forbidden' });
    expect((await call(a!, 'GET', '/api/v1/sdk/snapshot', t.adminHeaders)).body).toMatchObject({ error: 'forbidden' });
    const expired = await call(a!, 'GET', '/api/v1/projects/authz', headers.get('expired project admin token')!);
    expect(expired).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', message: expect.stringMatching(/expired/) },
    });
  });
});

describe('roles in practice', () => {
  const viewer = () => headers.get('viewer on its project')!;
  const responder = () => headers.get('responder on its project')!;

  it('a responder can kill and restore in a protected environment and nothing else', async () => {
    const config = '/api/v1/projects/authz/flags/gate/environments/production';
    for (const replica of replicas) {
      const kill = await call(replica, 'POST', `${config}/kill`, responder(), { reason: 'incident 42' });
      expect(kill.status, `${replica.name} kill`).toBe(200);
      expect(kill.body).toMatchObject({ killed: true });
      const restore = await call(replica, 'POST', `${config}/restore`, responder(), { reason: 'fixed' });
      expect(restore.status, `${replica.name} restore`).toBe(200);
      // The configuration, the flag, segments, the environment's protection: all refused.
      const refused: [string, string, object | undefined][] = [
        ['POST', `${config}/on`, {}],
        ['POST', `${config}/off`, {}],
        ['PUT', config, undefined],
        ['PATCH', '/api/v1/projects/authz/flags/gate', { name: 'Renamed' }],
        ['POST', '/api/v1/projects/authz/flags/gate/archive', undefined],
        ['POST', '/api/v1/projects/authz/flags', { key: 'new', name: 'New', type: 'boolean' }],
        ['PATCH', '/api/v1/projects/authz/segments/crowd', { name: 'Renamed' }],
        ['PATCH', '/api/v1/projects/authz/environments/production', { protected: false }],
        ['POST', '/api/v1/tokens', { name: 'mine', kind: 'admin', role: 'responder', project: 'authz' }],
      ];
      for (const [method, url, body] of refused) {
        expect((await call(replica, method, url, responder(), body)).status, `${replica.name} ${method} ${url}`).toBe(
          403,
        );
      }
    }
  });

  it('a viewer can change nothing, and reads everything of its project', async () => {
    for (const { method, path } of operations) {
      const access = accessOf(method, path)!;
      if (access === 'public' || access === 'sdk' || access === 'signed-in' || access === 'sign-out') continue;
      if (access === 'sign-out-everywhere') continue;
      const status = (await call(replicas[1]!, method, fill(path), viewer())).status;
      if (method === 'GET' && access === 'read') expect([200, 404], `${method} ${path}`).toContain(status);
      else expect(status, `${method} ${path}`).toBe(403);
    }
  });

  it('lists only the projects a scoped caller may read', async () => {
    const listed = await call(replicas[0]!, 'GET', '/api/v1/projects', viewer());
    expect((listed.body as { projects: { key: string }[] }).projects.map((p) => p.key)).toEqual(['authz']);
  });

  it('applies a change of protection on every replica at once (scopes are dropped from committed changes)', async () => {
    const editor = headers.get('editor on its project')!;
    const staging = '/api/v1/projects/authz/flags/gate/environments/staging';
    const [a, b] = replicas as [Replica, Replica];
    // A PUT without a body never writes: 400 when allowed (the body is checked after access), 403 when not.
    // Writes would drop B's cached scope themselves (B's own committed change); this probe does not.
    const probe = async () => (await call(b, 'PUT', staging, editor)).status;
    expect(await probe()).toBe(400); // B caches staging's scope: not protected
    const patched = await call(a, 'PATCH', '/api/v1/projects/authz/environments/staging', t.adminHeaders, {
      protected: true,
      protectedRole: 'admin',
    });
    expect(patched).toMatchObject({ status: 200, body: { protected: true, protectedRole: 'admin' } });
    // B hears of the change on the bus; well before its cache's 30 s safety expiry.
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && status !== 403) {
      status = await probe();
      if (status !== 403) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(403);
    // Kill stays open to responders; the change of protection was audited.
    expect((await call(b, 'POST', `${staging}/kill`, responder(), { reason: 'still works' })).status).toBe(200);
    const audit = await call(
      a,
      'GET',
      '/api/v1/projects/authz/audit?action=environment.protection_changed',
      t.adminHeaders,
    );
    expect(JSON.stringify(audit.body)).toContain('environment.protection_changed');
  });
});
