import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { expectDocumentedErrorShape } from './helpers/error-shape.js';
import { anyString, databaseFingerprint, urlPart } from './helpers/fuzz.js';
import {
  hostileString,
  nearSchema,
  wrongValue,
  type OpenApiDocument,
  type OpenApiOperation,
} from './helpers/openapi-arbitraries.js';

/**
 * Fuzzes every operation of the server's own OpenAPI document (so a new route is fuzzed without
 * being listed here) with generated path parameters, query strings, headers and bodies: near the
 * schema (existing keys, valid shapes), beside it (wrong types, unknown fields) and hostile (NUL,
 * lone surrogates, invalid percent-encoding, huge numbers, deep nesting, malformed JSON). Asserts:
 * never a 5xx; every 4xx is the documented error shape; a 4xx writes nothing. Requests per
 * operation: ROUTE_FUZZ_RUNS (default 30).
 */
const RUNS = Number(process.env['ROUTE_FUZZ_RUNS'] ?? 30);
const PROJECT = 'fz';
const ENVIRONMENT = 'prod';

// Built while the file is collected: the operations to fuzz come from the app's own document.
const t: TestApp = await createTestApp();
const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<OpenApiDocument>();
/** Secrets and ids of the fixture's SDK tokens (made again when a fuzzed request deletes them). */
const sdkTokens = { server: '', client: '', serverId: '' };
let requests = 0;

const admin = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = {}) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...t.adminHeaders, ...headers }, payload });

/**
 * The project the fuzzer aims at, rebuilt when a fuzzed request took part of it away: an
 * environment, a boolean flag with a rule `r1` and a prerequisite, a JSON flag, a segment, a
 * server and a client token.
 */
async function ensureFixture(): Promise<void> {
  const [state] = await t.db.prisma.$queryRaw<{ ok: boolean }[]>`
    SELECT (SELECT count(*) FROM flags f JOIN projects p ON p.id = f.project_id
              WHERE p.key = ${PROJECT} AND f.archived_at IS NULL AND f.key IN ('alpha', 'beta')) = 2
       AND (SELECT count(*) FROM environments e JOIN projects p ON p.id = e.project_id
              WHERE p.key = ${PROJECT} AND e.key = ${ENVIRONMENT}) = 1
       AND (SELECT count(*) FROM segments s JOIN projects p ON p.id = s.project_id
              WHERE p.key = ${PROJECT} AND s.key = 'seg') = 1
       AND (SELECT count(*) FROM api_tokens WHERE id::text = ${sdkTokens.serverId || '-'} AND revoked_at IS NULL) = 1
       AS ok`;
  if (state?.ok) return;
  await admin('DELETE', `/projects/${PROJECT}?force=true`);
  const steps: [string, object][] = [
    ['/projects', { key: PROJECT, name: 'Fuzz' }],
    [`/projects/${PROJECT}/environments`, { key: ENVIRONMENT, name: 'Prod' }],
    [`/projects/${PROJECT}/segments`, { key: 'seg', name: 'Seg', conditions: [] }],
    [`/projects/${PROJECT}/flags`, { key: 'alpha', name: 'Alpha', type: 'boolean', clientSide: true }],
    [
      `/projects/${PROJECT}/flags`,
      {
        key: 'beta',
        name: 'Beta',
        type: 'json',
        clientSide: true,
        variants: [
          { key: 'on', value: { a: [1] } },
          { key: 'off', value: null },
        ],
      },
    ],
  ];
  for (const [url, body] of steps) expect((await admin('POST', url, body)).statusCode, url).toBe(201);
  const config = await admin(
    'PUT',
    `/projects/${PROJECT}/flags/alpha/environments/${ENVIRONMENT}`,
    {
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'on' },
      rules: [{ id: 'r1', conditions: [], segments: ['seg'], serve: { variant: 'off' } }],
      prerequisites: [{ flagKey: 'beta', variants: ['on'] }],
    },
    { 'if-match': '"1"' },
  );
  expect(config.statusCode, config.body).toBe(200);
  for (const kind of ['server', 'client'] as const) {
    const token = await admin('POST', '/tokens', { name: kind, kind, project: PROJECT, environment: ENVIRONMENT });
    expect(token.statusCode, token.body).toBe(201);
    sdkTokens[kind] = token.json<{ secret: string }>().secret;
    if (kind === 'server') sdkTokens.serverId = token.json<{ id: string }>().id;
  }
}

beforeAll(ensureFixture, 60_000);
afterAll(async () => {
  console.info(`route fuzz: ${requests} requests over ${operations().length} operations`);
  await t.close();
});

// ---- generators -------------------------------------------------------------------------------

/** Strings a schema would accept and the fixture has: keys, ids, variants, rule ids. */
const knownString = fc.constantFrom(PROJECT, ENVIRONMENT, 'alpha', 'beta', 'seg', 'r1', 'on', 'off', 'ghost', 'true');

/** Already-encoded URL parts that decode badly or mean something to a router. */
const rawUrlPart = fc.constantFrom('%zz', '%ED%A0%80', '%00', '%2F', '%C0%AF', '..', '%', 'a'.repeat(150), '%25');

function pathValue(name: string): fc.Arbitrary<string> {
  const known: Record<string, fc.Arbitrary<string>> = {
    project: fc.constant(PROJECT),
    environment: fc.constant(ENVIRONMENT),
    flag: fc.constantFrom('alpha', 'beta'),
    segment: fc.constant('seg'),
    ruleId: fc.constant('r1'),
    id: fc.constant(sdkTokens.serverId),
  };
  return fc.oneof(
    { weight: 8, arbitrary: (known[name] ?? knownString).map(urlPart) },
    { weight: 2, arbitrary: fc.oneof(knownString, anyString, hostileString).map(urlPart) },
    { weight: 1, arbitrary: rawUrlPart },
  );
}

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

function queryString(operation: OpenApiOperation): fc.Arbitrary<string> {
  const params = (operation.parameters ?? []).filter((param) => param.in === 'query');
  const pairs = params.map((param) =>
    fc.option(
      fc.oneof(
        { weight: 6, arbitrary: nearSchema(doc, param.schema ?? {}, knownString).map((v) => urlPart(asText(v))) },
        { weight: 1, arbitrary: rawUrlPart },
      ),
      { freq: 2 },
    ),
  );
  const extra = fc.option(
    fc.oneof(
      fc.tuple(anyString, anyString).map(([name, value]) => `${urlPart(name)}=${urlPart(value)}`),
      // The same parameter twice arrives as an array.
      fc.constantFrom(...params.map((param) => `${param.name}=1&${param.name}=2`), 'a[b]=1', '=', '&&'),
    ),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...pairs), extra).map(([values, more]) => {
    const parts = values.flatMap((value, index) => (value === null ? [] : [`${params[index]!.name}=${value}`]));
    if (more !== null) parts.push(more);
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  });
}

/** `[[…1…]]`, `depth` levels. */
const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

const rawBody = fc.constantFrom(
  '',
  '{',
  '{"a":1}{',
  'null',
  '1e400',
  '{"a":1e400}',
  '"\\ud800"',
  '{"\\udc00":1}',
  '\ufeff{}',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{}}}',
  nested(3000),
  nested(100_000),
);

/** `value` with its `pick`-th node (in depth-first order, modulo their number) replaced by `by`. */
function replaceAt(value: unknown, pick: number, by: unknown): unknown {
  const count = (node: unknown): number =>
    typeof node === 'object' && node !== null
      ? 1 + Object.values(node).reduce<number>((sum, c) => sum + count(c), 0)
      : 1;
  let index = pick % count(value);
  const walk = (node: unknown): unknown => {
    if (index-- === 0) return by;
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) return node.map(walk);
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
  };
  return walk(value);
}

/** The body text: near the schema (sometimes with one field nested deep), any JSON, or broken text. */
function bodyText(operation: OpenApiOperation): fc.Arbitrary<string | undefined> {
  const schema = operation.requestBody?.content['application/json']?.schema;
  if (!schema) {
    return fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, fc.jsonValue().map(asText), rawBody);
  }
  const near = nearSchema(doc, schema, knownString);
  const deep = fc.tuple(near, fc.nat(), fc.constantFrom(33, 65, 3000)).map(([value, pick, depth]) => {
    const marker = '\u0001deep\u0001';
    const text = JSON.stringify(replaceAt(value, pick, marker)) ?? '';
    return text.replace(JSON.stringify(marker), nested(depth));
  });
  return fc.oneof(
    { weight: 10, arbitrary: near.map(asText) },
    { weight: 3, arbitrary: deep },
    { weight: 1, arbitrary: wrongValue.map(asText) },
    { weight: 1, arbitrary: rawBody },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

type Auth = 'admin' | 'server' | 'client' | 'none' | 'garbage';

/**
 * Who asks: mostly the admin; SDK tokens reach the SDK routes (never the SDK stream, which stays
 * open), and the admin never the admin event stream (`adminStream`, open as long).
 */
function authArbitrary(streaming: boolean, adminStream = false): fc.Arbitrary<Auth> {
  return fc.oneof(
    { weight: adminStream ? 0 : 6, arbitrary: fc.constant<Auth>('admin') },
    { weight: streaming ? 0 : 2, arbitrary: fc.constantFrom<Auth>('server', 'client') },
    { weight: 1, arbitrary: fc.constantFrom<Auth>('none', 'garbage') },
  );
}

function authHeader(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'admin':
      return t.adminHeaders;
    case 'server':
    case 'client':
      return { authorization: `Bearer ${sdkTokens[auth]}` };
    case 'garbage':
      return { authorization: 'Bearer \u00ff\u00fe' };
    case 'none':
      return {};
  }
}

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
);
const ifMatch = fc.option(fc.constantFrom('"1"', '"2"', '*', '"abc"', 'W/"1"', '"99999999999999999999"', ''), {
  freq: 2,
});

// ---- the property ------------------------------------------------------------------------------

function operations(): { method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

interface FuzzRequest {
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
}

function requestArbitrary(method: string, path: string, operation: OpenApiOperation): fc.Arbitrary<FuzzRequest> {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const streaming = path.endsWith('/sdk/stream');
  const adminStream = path.endsWith('/events');
  return fc
    .record({
      params: fc.tuple(...names.map(pathValue)),
      query: queryString(operation),
      body: bodyText(operation),
      auth: authArbitrary(streaming, adminStream),
      contentType,
      ifMatch,
    })
    .map(({ params, query, body, auth, contentType: type, ifMatch: match }) => {
      let url = path;
      names.forEach((name, index) => (url = url.replace(`{${name}}`, params[index]!)));
      const headers: Record<string, string> = { ...authHeader(auth) };
      if (body !== undefined && type !== '') headers['content-type'] = type;
      if (match !== null) headers['if-match'] = match;
      return { url: `${url}${query}`, body, headers };
    });
}

/** `\ud800`…`\udfff` as a JSON escape (not preceded by an escaped backslash). */
const LONE_SURROGATE_ESCAPE = /(?<!\\)\\u[dD][89a-fA-F]/;

async function check(method: string, { url, body, headers }: FuzzRequest): Promise<void> {
  await ensureFixture();
  const before = await databaseFingerprint(t);
  requests++;
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
  const label = `${method} ${url} ${JSON.stringify(headers)} ${body?.slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, label).toBeLessThan(500);
  if (response.statusCode < 400) {
    // A lone surrogate (JSON.stringify escapes only those) must be refused, not stored as U+FFFD.
    const parsesBody = method !== 'GET' && headers['content-type']?.startsWith('application/json') === true;
    expect(parsesBody && LONE_SURROGATE_ESCAPE.test(body ?? ''), `${label}: accepted`).toBe(false);
    return;
  }
  expect(response.headers['content-type'], label).toMatch(/^application\/json/);
  const error = response.json<Record<string, unknown>>();
  expectDocumentedErrorShape(url, error, label);
  expect(await databaseFingerprint(t), `${label} changed the database`).toBe(before);
}

describe('every OpenAPI operation, fuzzed', () => {
  it('the document lists the routes (the fuzzer would otherwise test nothing)', () => {
    expect(operations().length).toBeGreaterThanOrEqual(40);
  });

  it.each(operations().map(({ method, path, operation }) => [`${method} ${path}`, method, path, operation] as const))(
    '%s: no 5xx, every 4xx in the error shape and without a write',
    async (_name, method, path, operation) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(method, path, operation), (request) => check(method, request)),
        { numRuns: RUNS },
      );
    },
    120_000,
  );
});
