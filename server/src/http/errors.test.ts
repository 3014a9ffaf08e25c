import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installContentTypes } from './content-types.js';
import { conflict, HttpError, installErrorHandlers, notFound, toErrorResponse } from './errors.js';

/** A P2002 as Prisma 7 throws it (the class is generated, so it is matched by name and code). */
function prismaError(code: string, meta?: Record<string, unknown>): Error {
  const error = new Error(`prisma ${code}`) as Error & { code: string; meta?: Record<string, unknown> };
  error.name = 'PrismaClientKnownRequestError';
  error.code = code;
  if (meta) error.meta = meta;
  return error;
}

describe('toErrorResponse', () => {
  it('answers HttpErrors with their status, code and details', () => {
    expect(toErrorResponse(conflict('taken', { key: 'a' }))).toEqual({
      statusCode: 409,
      body: { error: 'conflict', message: 'taken', details: { key: 'a' } },
    });
    expect(toErrorResponse(new HttpError(418, 'teapot'))).toEqual({
      statusCode: 418,
      body: { error: 'error', message: 'teapot' },
    });
  });

  it('turns a zod error into a 400 listing the failing paths', () => {
    const result = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' } });
    expect(result.success).toBe(false);
    const { statusCode, body } = toErrorResponse(result.error);
    expect(statusCode).toBe(400);
    expect(body.error).toBe('bad_request');
    expect(body.details).toEqual({ issues: [{ path: 'a.b', message: expect.any(String) as unknown }] });
  });

  it('maps Prisma unique violations to 409 with the fields, wherever Prisma puts them', () => {
    expect(toErrorResponse(prismaError('P2002', { target: ['project_id', 'key'] }))).toEqual({
      statusCode: 409,
      body: {
        error: 'conflict',
        message: 'Already exists: project_id, key must be unique',
        details: { fields: ['project_id', 'key'] },
      },
    });
    const adapterStyle = prismaError('P2002', {
      driverAdapterError: { cause: { kind: 'UniqueConstraintViolation', constraint: { fields: ['key'] } } },
    });
    expect(toErrorResponse(adapterStyle).body.details).toEqual({ fields: ['key'] });
    expect(toErrorResponse(prismaError('P2025')).statusCode).toBe(404);
  });

  it('answers an unreachable database with 503, never 500, whichever layer reports it', () => {
    const adapter = { driverAdapterError: { cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } } };
    const shutdown = { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } };
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const error of [
      prismaError('P1001', adapter),
      prismaError('P2010', adapter), // a raw query
      prismaError('P2024'), // pool timeout
      prismaError('P2010', shutdown),
      socket,
      new Error('Connection terminated unexpectedly'),
      new Error('wrapped', { cause: socket }),
    ]) {
      expect(toErrorResponse(error)).toEqual({
        statusCode: 503,
        body: { error: 'unavailable', message: 'The database is unreachable; retry shortly' },
      });
    }
  });

  it('hides unknown errors behind a 500', () => {
    expect(toErrorResponse(new Error('db password is hunter2'))).toEqual({
      statusCode: 500,
      body: { error: 'internal_error', message: 'Internal server error' },
    });
    expect(toErrorResponse('a string')).toMatchObject({ statusCode: 500 });
  });
});

describe('error handler', () => {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();

  beforeAll(async () => {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandlers(app);
    installContentTypes(app);
    app.delete('/things/:id', async (request) => ({ body: request.body ?? null }));
    app.post(
      '/things/:id',
      {
        schema: {
          params: z.object({ id: z.coerce.number().int() }),
          querystring: z.object({ mode: z.enum(['a', 'b']).optional() }),
          body: z.strictObject({ name: z.string().min(1), tags: z.array(z.string()).optional() }),
        },
      },
      async (request) => {
        if (request.body.name === 'missing') throw notFound('No such thing');
        if (request.body.name === 'dup') throw prismaError('P2002', { target: ['name'] });
        if (request.body.name === 'boom') throw new Error('secret internals');
        if (request.body.name === 'down') throw prismaError('P1001');
        return { ok: true };
      },
    );
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (payload: unknown, extra: { url?: string; headers?: Record<string, string> } = {}) =>
    app.inject({ method: 'POST', url: extra.url ?? '/things/1', payload: payload as string, headers: extra.headers });

  it('lets valid requests through', async () => {
    const response = await post({ name: 'x' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
  });

  it('answers schema violations with 400 and the path of every failing field', async () => {
    const response = await post({ name: '', tags: [1], extra: true }, { url: '/things/abc?mode=c' });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: string; message: string; details: { issues: { path: string }[] } }>();
    expect(body.error).toBe('bad_request');
    expect(body.message).toMatch(/^Invalid request: params\.id: /);
    // fastify validates params first and stops at the first failing part of the request
    expect(body.details.issues.map((issue) => issue.path)).toEqual(['params.id']);

    const bodyErrors = await post({ name: '', tags: [1], extra: true });
    const paths = bodyErrors.json<{ details: { issues: { path: string }[] } }>().details.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.tags.0', 'body']));
  });

  it('answers malformed JSON with 400 in the same shape', async () => {
    const response = await post('{"name": ', { headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'bad_request', message: 'Request body is not valid JSON' });
  });

  it('treats an empty JSON body as no body: fine for DELETE, a validation 400 where a body is required', async () => {
    const headers = { 'content-type': 'application/json' };
    const deleted = await app.inject({ method: 'DELETE', url: '/things/1', headers, payload: '' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ body: null });
    const posted = await post('', { headers });
    expect(posted.statusCode).toBe(400);
    expect(posted.json<{ details: { issues: { path: string }[] } }>().details.issues[0]!.path).toBe('body');
  });

  it('refuses prototype poisoning', async () => {
    const response = await post('{"name": "x", "__proto__": {"admin": true}}', {
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toBe('bad_request');
  });

  it('answers an unsupported content type with 415 in the same shape', async () => {
    for (const type of ['application/xml', 'text/plain']) {
      const response = await post('<name>x</name>', { headers: { 'content-type': type } });
      expect(response.statusCode).toBe(415);
      expect(response.json<{ error: string }>().error).toBe('unsupported_media_type');
    }
    const response = await post('<name>x</name>', { headers: { 'content-type': 'application/xml' } });
    expect(response.json()).toEqual({
      error: 'unsupported_media_type',
      message: 'Unsupported Content-Type; send application/json',
    });
  });

  it('answers thrown HttpErrors and Prisma conflicts', async () => {
    expect((await post({ name: 'missing' })).json()).toEqual({ error: 'not_found', message: 'No such thing' });
    const duplicate = await post({ name: 'dup' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json<{ error: string }>().error).toBe('conflict');
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: 'No route for GET /nowhere' });
  });

  it('answers an unreachable database with 503 and Retry-After', async () => {
    const response = await post({ name: 'down' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json<{ error: string }>().error).toBe('unavailable');
  });

  it('answers bugs with a bare 500', async () => {
    const response = await post({ name: 'boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internals');
  });
});
