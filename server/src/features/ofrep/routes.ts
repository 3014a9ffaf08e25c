import { createHash } from 'node:crypto';
import { compileSnapshot, type CompiledSnapshot, type Snapshot } from '@switchyard/core';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerAuth, type AuthOptions } from '../../auth/plugin.js';
import { HttpError } from '../../http/errors.js';
import { matchesEtag } from '../sdk/routes.js';
import { sdkPrincipal } from '../sdk/sdk-principal.js';
import { OFREP_BODY_LIMIT, ofrepRequestSchema, toEvaluationContext } from './context.js';
import { installOfrepErrors, ofrepErrorSchema } from './errors.js';
import { evaluateAll, evaluateOne, ofrepStatus } from './mapping.js';
import { withExample } from '../../http/openapi-examples.js';
import { bulkEvaluationResponse, evaluationRequest, evaluationResponse } from './openapi-examples.js';

/** A Switchyard token without an auth scheme. */
const BARE_TOKEN = /^ *sy_[a-z]+_\S+ *$/;

/** Where OFREP lives: its paths are fixed by the protocol, outside /api/v1. */
export const OFREP_PREFIX = '/ofrep/v1';

/** The app's authentication (OFREP's routes are `sdk` routes: only server and client tokens get through). */
export type OfrepRoutesOptions = AuthOptions;

const successSchema = z
  .object({
    key: z.string(),
    value: z.unknown().describe("The served variant's value (boolean, string, number or JSON)"),
    reason: z.string().describe('STATIC, TARGETING_MATCH, SPLIT, DEFAULT, DISABLED or PREREQUISITE_FAILED'),
    variant: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional().describe('`ruleId` when a rule matched'),
  })
  .describe('OFREP evaluation success');

const bulkSchema = z
  .object({ flags: z.array(z.union([successSchema, ofrepErrorSchema])) })
  .describe("Every flag the token's view holds, evaluated for the context");

const errors = { 401: ofrepErrorSchema, 403: ofrepErrorSchema, 429: ofrepErrorSchema, 503: ofrepErrorSchema };

const AUTH_TEXT =
  'Authenticate with a server or client SDK token as `Authorization: Bearer <token>` or `X-API-Key: <token>` ' +
  '(a bare `Authorization: <token>` is taken too); ' +
  "the environment is the token's. Client tokens see only client-side flags: any other key is FLAG_NOT_FOUND, " +
  'exactly like a flag that does not exist. ';

/**
 * Bulk ETags remembered per view, by context: evaluation is a pure function of the two, so a poll
 * repeating its context and ETag is answered 304 without evaluating. Bounded (a client key is
 * public and contexts are the caller's choice): when full it starts over. The memory goes with
 * the view, at the next revision.
 */
const MAX_ETAGS_PER_VIEW = 10_000;

/** A compiled view of a snapshot, made once per snapshot object (that is, per revision and view). */
interface CompiledView {
  compiled: CompiledSnapshot;
  keys: string[];
  /** Bulk ETag by hash of the Switchyard context (see MAX_ETAGS_PER_VIEW). */
  etags: Map<string, string>;
}

const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('base64url').slice(0, 32);

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP), so any OpenFeature SDK with an OFREP provider
 * can use Switchyard: POST /ofrep/v1/evaluate/flags/{key} (one flag) and POST
 * /ofrep/v1/evaluate/flags (every flag, ETag / If-None-Match). A thin adapter: it evaluates with
 * `@switchyard/core` against this replica's snapshot cache (`app.propagation.feeds`, as the SDK
 * routes read it), in the client view for client tokens, and answers errors in OFREP's shape.
 * Register it with `{ prefix: OFREP_PREFIX }`; it installs its own authentication.
 */
export const ofrepRoutes: FastifyPluginAsyncZod<OfrepRoutesOptions> = async (app, options) => {
  const tags = ['ofrep'];
  const { feeds } = app.propagation;
  const views = new WeakMap<Snapshot, CompiledView>();

  // OFREP names two ways to send a key: `Authorization: Bearer` and `X-API-Key`; and the OFREP
  // providers' own examples put a bare key in `Authorization`. Both others are handed to the
  // regular authentication as `Bearer` (this hook runs before it).
  app.addHook('onRequest', async (request) => {
    const { authorization } = request.headers;
    const apiKey = request.headers['x-api-key'];
    if (authorization === undefined && typeof apiKey === 'string' && apiKey !== '') {
      request.headers.authorization = `Bearer ${apiKey}`;
    } else if (authorization !== undefined && BARE_TOKEN.test(authorization)) {
      request.headers.authorization = `Bearer ${authorization.trim()}`;
    }
  });
  registerAuth(app, options);
  installOfrepErrors(app);

  /** The compiled snapshot of the caller's view (client view for client tokens). */
  async function viewOf(environmentId: string, client: boolean): Promise<CompiledView> {
    const feed = feeds.feed(environmentId);
    const state = await feed.ready().catch((error: unknown) => {
      app.log.error({ err: error }, 'could not load snapshot');
      throw new HttpError(503, 'The flags could not be loaded; retry shortly');
    });
    if (!state || feed.gone) throw new HttpError(404, "This token's environment no longer exists");
    const snapshot = client ? state.client : state.snapshot;
    let view = views.get(snapshot);
    if (!view) {
      view = { compiled: compileSnapshot(snapshot), keys: snapshot.flags.map((flag) => flag.key), etags: new Map() };
      views.set(snapshot, view);
    }
    return view;
  }

  app.post(
    '/evaluate/flags/:key',
    {
      config: { access: 'sdk' },
      bodyLimit: OFREP_BODY_LIMIT,
      schema: {
        tags,
        summary: 'OFREP: evaluate one flag',
        description:
          AUTH_TEXT +
          'Answers 200 with `value`, `variant`, `reason` and `metadata.ruleId`; 404 FLAG_NOT_FOUND; 400 INVALID_CONTEXT ' +
          'for a context Switchyard cannot read (not an object, nested values, over 64 KiB); 400 GENERAL when the ' +
          "flag's configuration fails to evaluate. Errors of this scope use OFREP's body `{ key, errorCode, errorDetails }`.",
        params: z.object({ key: z.string().describe('The flag key') }),
        body: withExample(ofrepRequestSchema, evaluationRequest),
        response: {
          200: withExample(successSchema, evaluationResponse),
          400: ofrepErrorSchema,
          404: ofrepErrorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const principal = sdkPrincipal(request);
      const { compiled } = await viewOf(principal.environmentId, principal.tokenKind === 'client');
      const evaluation = evaluateOne(compiled, request.params.key, toEvaluationContext(request.body));
      return reply.code(ofrepStatus(evaluation)).send(evaluation);
    },
  );

  app.post(
    '/evaluate/flags',
    {
      config: { access: 'sdk' },
      bodyLimit: OFREP_BODY_LIMIT,
      schema: {
        tags,
        summary: 'OFREP: evaluate every flag',
        description:
          AUTH_TEXT +
          "Evaluates every flag of the token's view for the context, in `flags` (each a success or a failure " +
          'with its `key`). The ETag is a hash of the answer, so it changes exactly when a result for this context ' +
          'changes; send it back as If-None-Match for a 304. 400 INVALID_CONTEXT as for one flag, with ' +
          "OFREP's bulk body `{ errorCode, errorDetails }`.",
        body: withExample(ofrepRequestSchema, evaluationRequest),
        response: {
          200: withExample(bulkSchema, bulkEvaluationResponse),
          400: ofrepErrorSchema,
          404: ofrepErrorSchema,
          ...errors,
        },
      },
    },
    async (request, typedReply) => {
      // The answer is sent pre-serialized (or empty, 304): not the object the response schema types.
      const reply = typedReply as FastifyReply;
      const principal = sdkPrincipal(request);
      const view = await viewOf(principal.environmentId, principal.tokenKind === 'client');
      const context = toEvaluationContext(request.body);
      const ifNoneMatch = request.headers['if-none-match'];
      // A poll with the ETag this view gave this context before: 304 without evaluating again.
      const contextKey = hash(JSON.stringify(context));
      const known = view.etags.get(contextKey);
      if (known !== undefined && matchesEtag(ifNoneMatch, known)) {
        return reply.header('etag', known).header('cache-control', 'no-cache').code(304).send();
      }
      const body = Buffer.from(JSON.stringify({ flags: evaluateAll(view.compiled, view.keys, context) }));
      const etag = `"${hash(body)}"`;
      if (view.etags.size >= MAX_ETAGS_PER_VIEW) view.etags.clear();
      view.etags.set(contextKey, etag);
      void reply.header('etag', etag).header('cache-control', 'no-cache');
      if (matchesEtag(ifNoneMatch, etag)) return reply.code(304).send();
      // Already JSON: a Buffer goes out as is (the response schema documents it).
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );
};
