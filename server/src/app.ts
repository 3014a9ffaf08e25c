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
import { segmentsRoutes } from './features/segments/routes.js';
import { TokenAuthenticator } from './features/tokens/authenticator.js';
import { tokensRoutes } from './features/tokens/routes.js';
import { sdkRoutes } from './features/sdk/routes.js';
import { usageRoutes } from './features/usage/routes.js';
import { propagationPlugin } from './propagation/plugin.js';
import type { PropagationOptions } from './propagation/options.js';
import { registerAuth } from './http/auth.js';
import { installAuthFailureLimit } from './http/auth-failure-limit.js';
import { installCors } from './http/cors.js';
import { serverOptions } from './http/server-options.js';
import { installContentTypes } from './http/content-types.js';
import { frameworkErrorOptions } from './http/framework-errors.js';
import { installInputGuard } from './http/input-guard.js';
import { installErrorHandlers } from './http/errors.js';

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
  eventsRoutes,
];

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

  await installCors(app, config.corsOrigins);
  const authFailures = await installAuthFailureLimit(app, config);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchyard',
        description: 'Self-hosted feature flags. Authenticate with `Authorization: Bearer <token>`.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: (input) => {
      const output = jsonSchemaTransform(input);
      // Public routes (health, ...) need no token; everything else inherits bearerAuth.
      if (input.route.config?.auth === 'public') output.schema = { ...output.schema, security: [] };
      return output;
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Before the API: its onRequest hooks (metrics, `?key=` for SDK routes) must run ahead of auth.
  await app.register(propagationPlugin, { options: options.propagation });
  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      registerAuth(api, tokenAuth, authFailures);
      for (const feature of API_FEATURES) await api.register(feature);
    },
    { prefix: API_PREFIX },
  );
  // OpenFeature's remote evaluation protocol fixes its own paths; it authenticates like the SDK routes.
  await app.register(ofrepRoutes, { prefix: OFREP_PREFIX, tokenAuth, authFailures });
  // The web console at `/` (index.html for its own paths; the server's paths keep their JSON 404s).
  await app.register(consolePlugin, { dir: options.consoleDir });
  return app;
}
