import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { expectDocumentedErrorShape } from './helpers/error-shape.js';
import { databaseFingerprint } from './helpers/fuzz.js';
import type { OpenApiDocument, OpenApiOperation } from './helpers/openapi-arbitraries.js';
import { createSweepFixture, idFor, type SweepFixture } from './helpers/sweep-fixture.js';
import { variantsOf, type OperationShape, type Variant } from './helpers/sweep-variants.js';

/**
 * Sweeps every operation of the server's own OpenAPI document with the same deterministic hostile
 * variants (sweep-variants.ts: wrong types, missing and unknown fields, prototype keys, 1 MB strings,
 * deep nesting, NUL and invalid UTF-8 in paths and queries, long paths, duplicate parameters, bad
 * numbers, bad If-Match, wrong or missing bodies and Content-Types, and every caller that may not
 * make the request), each one thing away from the documented example request, against one app on
 * PostgreSQL. Asserts: no 5xx; every error in the documented shape (OFREP's own under /ofrep); a
 * refused request wrote nothing. routes.fuzz.test.ts explores randomly; this covers every field.
 */
// No job runner: nothing changes the database between a request and the check after it.
const t: TestApp = await createTestApp({ jobPollMs: 0, secretKey: Buffer.alloc(32, 7) });
const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<OpenApiDocument>();
let fixture: SweepFixture;
let baseUrl = '';
const counts = { requests: 0, accepted: 0 };
let lastFingerprint: string | undefined;

beforeAll(async () => {
  fixture = await createSweepFixture(t);
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  console.info(
    `route sweep: ${counts.requests} requests (${counts.accepted} accepted) over ${operations().length} operations`,
  );
  await t.close();
});

/** Everything the fuzz fingerprint covers, plus the tables of triggers, schedules, plans, webhooks and events. */
async function fingerprint(): Promise<string> {
  const [row] = await t.db.prisma.$queryRaw<{ dump: string }[]>`
    SELECT concat_ws('|',
      (SELECT md5(coalesce(json_agg(json_build_object('id', x.id, 'name', x.name, 'revoked', x.revoked_at,
          'restore', x.restore_on_resolve) ORDER BY x.id)::text, '')) FROM flag_triggers x),
      (SELECT md5(coalesce(json_agg(x ORDER BY x.id)::text, '')) FROM schedules x),
      (SELECT md5(coalesce(json_agg(json_build_object('id', x.id, 'state', x.state)
          ORDER BY x.id)::text, '')) FROM release_plans x),
      (SELECT md5(coalesce(json_agg(json_build_object('id', x.id, 'name', x.name, 'url', x.url,
          'enabled', x.enabled, 'events', x.events) ORDER BY x.id)::text, '')) FROM webhooks x),
      (SELECT count(*)::text FROM metric_events),
      (SELECT count(*)::text FROM metric_event_names)
    ) AS dump`;
  return `${await databaseFingerprint(t)}|${row!.dump}`;
}

function operations(): { method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** The documented example of the request body (first of `examples`, else `example`). */
function exampleOf(operation: OpenApiOperation): unknown {
  const media = operation.requestBody?.content['application/json'] as
    { examples?: Record<string, { value?: unknown }>; example?: unknown } | undefined;
  if (!media) return undefined;
  const example = Object.values(media.examples ?? {})[0]?.value ?? media.example ?? {};
  // A schedule's example time has passed by now: a year ahead, so only the variant is wrong.
  if (typeof example === 'object' && example !== null && 'at' in example) {
    return { ...example, at: new Date(Date.now() + 365 * 86_400_000).toISOString() };
  }
  return example;
}

function shapeOf(method: string, path: string, operation: OpenApiOperation): OperationShape {
  const parameters = operation.parameters ?? [];
  const caller = /^\/api\/v1\/me\/(tokens|sessions)/.test(path)
    ? 'user'
    : /^\/(api\/v1\/sdk|ofrep)\//.test(path)
      ? 'server'
      : 'admin';
  return {
    method,
    pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!),
    queryParams: parameters
      .filter((param) => param.in === 'query')
      .map((param) => ({
        name: param.name,
        type: Array.isArray(param.schema?.type) ? param.schema.type[0] : param.schema?.type,
        format: param.schema?.format,
      })),
    hasIfMatch: parameters.some((param) => param.in === 'header' && param.name === 'if-match'),
    example: exampleOf(operation),
    caller,
  };
}

/** Streams answer 200 and stay open: asked over HTTP, read up to the headers, then dropped. */
const STREAMS = new Set(['/api/v1/sdk/stream', '/api/v1/events']);

interface Answer {
  status: number;
  type: string;
  retryAfter: string | undefined;
  body: string;
}

async function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer> {
  if (!STREAMS.has(url.split('?')[0]!)) {
    const response = await t.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(body === undefined ? {} : { payload: body }),
    });
    const retryAfter = response.headers['retry-after'];
    return {
      status: response.statusCode,
      type: String(response.headers['content-type'] ?? ''),
      retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
      body: response.body,
    };
  }
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}${url}`, { method, headers, body, signal: abort.signal });
  const type = response.headers.get('content-type') ?? '';
  const text = type.startsWith('text/event-stream') ? '' : await response.text();
  abort.abort();
  return { status: response.status, type, retryAfter: response.headers.get('retry-after') ?? undefined, body: text };
}

async function check(method: string, path: string, shape: OperationShape, variant: Variant): Promise<void> {
  let url = path;
  for (const name of shape.pathParams) {
    const value = variant.params?.[name] ?? encodeURIComponent(idFor(fixture.ids, path, name));
    url = url.replace(`{${name}}`, value);
  }
  if (variant.query !== undefined) url += `?${variant.query}`;
  if (path === '/api/v1/sdk/stream' && variant.caller === 'client' && !variant.query) url += '?key=x';
  const body =
    variant.body === null
      ? undefined
      : (variant.body ?? (shape.example === undefined ? undefined : JSON.stringify(shape.example)));
  const headers: Record<string, string> = { ...fixture.headers(variant.caller), ...variant.headers };
  const type =
    variant.contentType === undefined ? (body === undefined ? undefined : 'application/json') : variant.contentType;
  if (type !== undefined && type !== null) headers['content-type'] = type;

  const write = method !== 'GET';
  // The state after the last write (a refused one leaves it; an accepted one is followed by a repair).
  const before = write ? (lastFingerprint ??= await fingerprint()) : '';
  counts.requests++;
  const answer = await send(method, url, headers, body);
  const label = `${method} ${path} [${variant.name}] as ${variant.caller} → ${answer.status} ${answer.body.slice(0, 300)}`;
  expect(answer.status, label).toBeLessThan(500);
  if (answer.status < 400) {
    counts.accepted++;
    if (write) {
      await fixture.ensure();
      lastFingerprint = undefined;
    }
    return;
  }
  expect(answer.type, label).toMatch(/^application\/json/);
  const error = JSON.parse(answer.body) as Record<string, unknown>;
  expectDocumentedErrorShape(path, error, label);
  if (answer.status === 429 || answer.status === 503) expect(answer.retryAfter, label).toBeDefined();
  if (write) expect(await fingerprint(), `${label}: changed the database`).toBe(before);
}

describe('every OpenAPI operation, swept with hostile variants', () => {
  it('the document lists the routes (the sweep would otherwise test nothing)', () => {
    expect(operations().length).toBeGreaterThanOrEqual(90);
  });

  it.each(operations().map(({ method, path, operation }) => [`${method} ${path}`, method, path, operation] as const))(
    '%s: no 5xx, errors in the documented shape, a refusal writes nothing',
    async (_name, method, path, operation) => {
      const shape = shapeOf(method, path, operation);
      for (const variant of variantsOf(shape)) await check(method, path, shape, variant);
    },
    60_000,
  );
});
