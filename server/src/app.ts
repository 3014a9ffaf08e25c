import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import cookie from '@fastify/cookie';
import type { Authenticator } from './auth/authenticator.js';
import { registerAuth, SESSION_COOKIE, type AuthOptions } from './auth/plugin.js';
import { ScopeCache } from './auth/scopes.js';
import { ChangeNotifier } from './changes/index.js';
import { consolePlugin } from './console/plugin.js';
import type { Config } from './config.js';
import type { Database } from './db/index.js';
import { auditRoutes } from './features/audit/routes.js';
import { eventsRoutes } from './features/events/routes.js';
import { flagConfigRoutes } from './features/flag-config/routes.js';
import { flagsRoutes } from './features/flags/routes.js';
import { healthRoutes } from './features/health/routes.js';
import { ofrepErrorResponse } from './features/ofrep/errors.js';
import { OFREP_PREFIX, ofrepRoutes } from './features/ofrep/routes.js';
import { projectsRoutes } from './features/projects/routes.js';
import { scheduledChangeJob } from './features/schedules/run.js';
import { schedulesRoutes } from './features/schedules/routes.js';
import { guardRegistryOf } from './features/release-plans/registry.js';
import { releasePlanRevival } from './features/release-plans/revive.js';
import { releasePlanCheckJob } from './features/release-plans/run.js';
import { releasePlansRoutes } from './features/release-plans/routes.js';
import { segmentsRoutes } from './features/segments/routes.js';
import { TokenAuthenticator } from './features/tokens/authenticator.js';
import { tokensRoutes } from './features/tokens/routes.js';
import { triggersRoutes } from './features/triggers/routes.js';
import { sdkRoutes } from './features/sdk/routes.js';
import { registerSdkQueryKey } from './features/sdk/sdk-principal.js';
import { usageRoutes } from './features/usage/routes.js';
import { metricEventsRoutes } from './features/metric-events/routes.js';
import { metricEventsRetention } from './features/metric-events/retention.js';
import { personalTokensRoutes } from './features/personal-tokens/routes.js';
import { PersonalTokens } from './features/personal-tokens/service.js';
import { createFailureCounter, type FailureCounter } from './features/sign-in/failure-counter.js';
import { oidcRoutes } from './features/sign-in/oidc/routes.js';
import { signInRoutes } from './features/sign-in/routes.js';
import { mySessionsRoutes } from './features/sign-in/my-sessions.js';
import { Sessions } from './features/sign-in/sessions.js';
import { PasswordHasher } from './features/users/password.js';
import { usersRoutes } from './features/users/routes.js';
import { propagationPlugin } from './snapshots/plugin.js';
import { webhookDeliveryJob } from './features/webhooks/deliver.js';
import { webhookFanOut } from './features/webhooks/fan-out.js';
import { webhooksRoutes } from './features/webhooks/routes.js';
import { secretBoxOf } from './features/webhooks/secret-box.js';
import { jobsPlugin, type JobFactory } from './jobs/plugin.js';
import type { JobHandler, Sweep } from './jobs/runner.js';
import type { PropagationOptions } from './propagation/options.js';
import { installAuthFailureLimit } from './http/auth-failure-limit.js';
import { installCors } from './http/cors.js';
import { serverOptions } from './http/server-options.js';
import { installContentTypes } from './http/content-types.js';
import { frameworkErrorOptions } from './http/framework-errors.js';
import { installInputGuard } from './http/input-guard.js';
import { installErrorHandlers } from './http/errors.js';
import { hoistSharedDefinitions } from './http/openapi-shared-definitions.js';
import { liftMediaTypeExamples } from './http/openapi-examples.js';

/**
 * The feature plugins mounted under /api/v1, in registration order. A new feature is one
 * `features/<name>/routes.ts` exporting a `FastifyPluginAsyncZod`, plus one line here.
 */
const API_FEATURES: readonly FastifyPluginAsync[] = [
  tokensRoutes,
  projectsRoutes,
  flagsRoutes,
  flagConfigRoutes,
  segmentsRoutes,
  auditRoutes,
  sdkRoutes,
  usageRoutes,
  metricEventsRoutes,
  triggersRoutes,
  signInRoutes,
  oidcRoutes,
  usersRoutes,
  personalTokensRoutes,
  mySessionsRoutes,
  webhooksRoutes,
  schedulesRoutes,
  releasePlansRoutes,
  eventsRoutes,
];

/**
 * The background jobs, by name (server/src/jobs/): each handler lives in its feature. Sweeps run at
 * every tick before jobs are claimed (the webhook fan-out turns outbox rows into delivery jobs).
 */
const JOB_HANDLERS: readonly JobFactory<JobHandler<never>>[] = [
  (app) => webhookDeliveryJob(app, () => secretBoxOf(app.config)),
  scheduledChangeJob,
  (app) => releasePlanCheckJob(app, guardRegistryOf(app)),
];
const JOB_SWEEPS: readonly JobFactory<Sweep>[] = [webhookFanOut, metricEventsRetention, releasePlanRevival];

export const API_PREFIX = '/api/v1';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * zod validates and serializes every route (buildApp also sets the compilers the way the type
 * provider documents). Given as the factories too, they keep fastify from loading its default
 * compilers (Ajv, fast-json-stringify) at start only to replace them. fastify types the factories
 * for JSON schemas; at run time they receive the routes' zod schemas.
 */
const ZOD_COMPILERS = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as CompilersFactory;

declare module 'fastify' {
  interface FastifyInstance {
    /** The database (Prisma client + lifecycle). */
    db: Database;
    /** The configuration the server started with. */
    config: Config;
    /** Announces committed changes; services notify through `inChangeTransaction`. */
    changes: ChangeNotifier;
    /** Verifies bearer tokens (cached); call `invalidate()` after revoking or deleting tokens. */
    tokenAuth: TokenAuthenticator;
    /** Project and environment scopes of requests (cached; dropped from committed changes). */
    scopes: ScopeCache;
    /** Hashes and verifies passwords (scrypt at `config.scryptLogN`). */
    passwordHasher: PasswordHasher;
    /** Server-side sessions: open (sign-in), authenticate (the cookie), revoke. */
    sessions: Sessions;
    /** Personal access tokens: create, list, revoke, authenticate (`sy_pat_…` bearers). */
    personalTokens: PersonalTokens;
    /** Failed sign-ins per account and per address (in Redis when configured). */
    signInFailures: FailureCounter;
  }
}

export interface BuildAppOptions {
  db: Database;
  config: Config;
  /** Fastify's logger option; default: pino at `config.logLevel`. Tests pass `false`. */
  logger?: FastifyServerOptions['logger'];
  /** Share one notifier with code outside the app (e.g. the propagation worker). */
  changes?: ChangeNotifier;
  /** Tuning of change propagation and SDK streams (see propagation/options.ts); defaults otherwise. */
  propagation?: Partial<PropagationOptions>;
  /** The web console's build output served at `/`; default: the repository's `console/dist`. */
  consoleDir?: string;
  /**
   * Authenticators asked after the API-token one (sessions, personal access tokens), in order.
   * A function is called once the app's decorations (db, changes, …) exist.
   */
  authenticators?: (app: FastifyInstance) => readonly Authenticator[];
}

/** The app's type: fastify with zod schemas as the type provider. */
export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/**
 * Builds the HTTP app (not listening): zod validation and serialization, OpenAPI at /docs, one
 * error shape, health probes at the root and every feature under /api/v1 behind token auth.
 */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { db, config } = options;
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Per-request log lines cost more than SDK requests themselves; keep them for debugging.
    logController: new LogController({ disableRequestLogging: !verbose }),
    schemaController: { compilersFactory: ZOD_COMPILERS },
    ...serverOptions(config),
    ...frameworkErrorOptions([{ prefix: OFREP_PREFIX, body: (status, error) => ofrepErrorResponse(status, error) }]),
  }).withTypeProvider<ZodTypeProvider>();
  installContentTypes(app);
  installInputGuard(app);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);

  const changes =
    options.changes ?? new ChangeNotifier((error) => app.log.error({ err: error }, 'change listener failed'));
  const tokenAuth = new TokenAuthenticator(db.prisma, {
    onError: (error) => app.log.warn({ err: error }, 'could not record token use'),
  });
  app.decorate('db', db);
  app.decorate('config', config);
  app.decorate('changes', changes);
  app.decorate('tokenAuth', tokenAuth);
  app.addHook('onClose', async () => tokenAuth.flush());
  const scopes = new ScopeCache(db.prisma);
  app.decorate('scopes', scopes);
  // People: sessions and personal tokens authenticate from Postgres on every request (no cache), so
  // a sign-out, a revocation or a disabled user takes effect on every replica at once.
  const onTouchError = (error: unknown) => app.log.warn({ err: error }, 'could not record session or token use');
  const sessions = new Sessions({
    prisma: db.prisma,
    notifier: changes,
    idleTimeoutMs: config.sessionIdleTimeoutMs,
    maxAgeMs: config.sessionMaxAgeMs,
    onError: onTouchError,
  });
  const personalTokens = new PersonalTokens({ prisma: db.prisma, notifier: changes, onError: onTouchError });
  const signInFailures = await createFailureCounter(config.redisUrl, config.signInWindowMs, (error) =>
    app.log.warn({ err: error }, 'could not count a failed sign-in'),
  );
  app.decorate('passwordHasher', new PasswordHasher({ logN: config.scryptLogN, r: 8, p: 1 }));
  app.decorate('sessions', sessions);
  app.decorate('personalTokens', personalTokens);
  app.decorate('signInFailures', signInFailures.counter);
  app.addHook('onClose', async () => {
    await Promise.all([sessions.flush(), personalTokens.flush(), signInFailures.close()]);
  });

  await installCors(app, config.corsOrigins);
  const authFailures = await installAuthFailureLimit(app, config);
  // Parses the session cookie (auth/plugin.ts reads it); nothing here signs cookies.
  await app.register(cookie, { hook: 'onRequest' });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchyard',
        description:
          'Self-hosted feature flags. Authenticate with `Authorization: Bearer <token>` (API tokens), or ' +
          `with the \`${SESSION_COOKIE}\` session cookie plus an \`x-csrf-token\` header on unsafe requests.`,
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    },
    transform: (input) => {
      const output = jsonSchemaTransform(input);
      output.schema = liftMediaTypeExamples(output.schema);
      const access = input.route.config?.access;
      // Public routes (health, ...) need nothing; SDK routes take tokens only; the rest inherit both.
      if (access === 'public') output.schema = { ...output.schema, security: [] };
      else if (access === 'sdk') output.schema = { ...output.schema, security: [{ bearerAuth: [] }] };
      // The action (server/src/auth/permissions.ts), for readers of the document: who may call it.
      if (access !== undefined) output.schema = { ...output.schema, 'x-access': access } as typeof output.schema;
      return output;
    },
    transformObject: (input) => hoistSharedDefinitions(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Before the API: its onRequest hooks (metrics, `?key=` for SDK routes) must run ahead of auth.
  await app.register(propagationPlugin, { options: options.propagation });
  registerSdkQueryKey(app);
  await app.register(jobsPlugin, { handlers: JOB_HANDLERS, sweeps: JOB_SWEEPS });
  await app.register(healthRoutes);
  // Scopes are dropped from committed changes: this replica's own, and every replica's on the bus.
  const { bus } = app.propagation;
  const stopScopeInvalidation = [
    changes.onChange((event) => scopes.forgetEnvironments(event.environmentIds)),
    bus.subscribe((message) => scopes.forgetProject(message.projectKey)),
    bus.onRevocation((message) => scopes.forgetEnvironments(message.environmentIds)),
  ];
  app.addHook('onClose', async () => stopScopeInvalidation.forEach((stop) => stop()));
  const auth: AuthOptions = {
    authenticators: [tokenAuth, sessions, personalTokens, ...(options.authenticators?.(app) ?? [])],
    scopes,
    failures: authFailures,
  };
  await app.register(
    async (api) => {
      registerAuth(api, auth);
      for (const feature of API_FEATURES) await api.register(feature);
    },
    { prefix: API_PREFIX },
  );
  // OpenFeature's remote evaluation protocol fixes its own paths; it authenticates like the SDK routes.
  await app.register(ofrepRoutes, { prefix: OFREP_PREFIX, ...auth });
  // The web console at `/` (index.html for its own paths; the server's paths keep their JSON 404s).
  await app.register(consolePlugin, { dir: options.consoleDir });
  return app;
}
