/**
 * What the deployment files assume about the Switchyard server.
 *
 * This module MUST match the server (server/src): the port, the probe paths, the start and migrate
 * commands and the environment variables it reads. Every policy check in deploy/test imports these
 * names instead of repeating literals, so when the server changes, this is the one place to update
 * (the plan is to re-export the server's own constants from here once they exist).
 */

/** Port the server listens on when PORT is unset (server default). */
export const DEFAULT_PORT = 4242;

/** Name of the container/Service port everywhere (probes and Services refer to it by name). */
export const PORT_NAME = 'http';

/** Interface the server binds when HOST is unset; 0.0.0.0 so a container is reachable. */
export const DEFAULT_HOST = '0.0.0.0';

/** Probe and observability paths served by the server. */
export const PATHS = {
  /** Process alive: liveness probe and Docker HEALTHCHECK. */
  health: '/healthz',
  /** Database reachable and migrations applied: readiness probe. */
  ready: '/readyz',
  /** Prometheus exposition (prom-client). */
  metrics: '/metrics',
  /** OpenAPI UI. */
  docs: '/docs',
  /** REST API prefix. */
  api: '/api/v1',
  /** Server-sent events: long-lived connections, must not be buffered by proxies. */
  sdkStream: '/api/v1/sdk/stream',
  /**
   * A flag's configuration in one environment (admin token); its JSON has `"killed": true|false`.
   * The canary guard examples read the kill state here (server/test/guard-examples.test.ts calls it).
   */
  flagConfig: '/api/v1/projects/{project}/flags/{flag}/environments/{environment}',
  /**
   * The flag's current release plan in one environment (a viewer token); its JSON has
   * `"gate": "pass" | "fail" | "wait"`, 404 without a plan. The canary guard examples gate on it
   * (server/test/guard-examples.test.ts calls it).
   */
  currentReleasePlan: '/api/v1/projects/{project}/flags/{flag}/environments/{environment}/release-plans/current',
} as const;

/** How a live (not killed) flag's configuration reads, byte for byte, in the server's compact JSON. */
export const NOT_KILLED_JSON = '"killed":false';

/** How a release plan that lets a canary go on reads, byte for byte, in the server's compact JSON. */
export const PLAN_PASSING_JSON = '"gate":"pass"';

/** Working directory of the runtime image; the repository layout is kept below it. */
export const IMAGE_WORKDIR = '/app';

/** Command that starts the server, relative to the repository root (= IMAGE_WORKDIR in the image). */
export const START_COMMAND = ['node', 'server/dist/main.js'] as const;

/** One-shot migration command (committed SQL in prisma/migrations, advisory-locked). */
export const MIGRATE_COMMAND = ['node', 'server/dist/cli/migrate.js'] as const;

/** Folder with the committed SQL migrations that MIGRATE_COMMAND reads; must be in the image. */
export const MIGRATIONS_DIR = 'prisma/migrations';

/** Numeric user the image runs as (the `node` user of the official Node image). */
export const RUNTIME_UID = 1000;

/** Environment variables the server reads. */
export const ENV = {
  port: 'PORT',
  host: 'HOST',
  /** postgres://… ; unset means embedded PGlite in SWITCHYARD_DATA_DIR (single replica only). */
  databaseUrl: 'DATABASE_URL',
  /** Unset means an in-process event bus: only one replica then sees flag changes. */
  redisUrl: 'REDIS_URL',
  adminToken: 'SWITCHYARD_ADMIN_TOKEN',
  /** 'false' turns off migrating at start (we migrate in a separate Job/service instead). */
  migrateOnStart: 'SWITCHYARD_MIGRATE_ON_START',
  corsOrigins: 'SWITCHYARD_CORS_ORIGINS',
  dataDir: 'SWITCHYARD_DATA_DIR',
  /** Seed the `demo` project on first start; default true in embedded mode only. */
  seedDemo: 'SWITCHYARD_SEED_DEMO',
  /** Migrations folder for the migrate command; default the prisma/migrations shipped with the server. */
  migrationsDir: 'SWITCHYARD_MIGRATIONS_DIR',
  logLevel: 'LOG_LEVEL',
  // Propagation and SDK-stream tuning (server/src/propagation/options.ts), positive integers.
  sseHeartbeatMs: 'SWITCHYARD_SSE_HEARTBEAT_MS',
  convergenceIntervalMs: 'SWITCHYARD_CONVERGENCE_INTERVAL_MS',
  outboxPollMs: 'SWITCHYARD_OUTBOX_POLL_MS',
  outboxRetentionMs: 'SWITCHYARD_OUTBOX_RETENTION_MS',
  sseResumeWindow: 'SWITCHYARD_SSE_RESUME_WINDOW',
  sseMaxBufferBytes: 'SWITCHYARD_SSE_MAX_BUFFER_BYTES',
  // Abuse limits (server/src/config.ts): streams, slow requests, failed authentications.
  /** Proxies whose X-Forwarded-For names the client; the per-IP limits key on it. */
  trustProxy: 'SWITCHYARD_TRUST_PROXY',
  sseMaxStreams: 'SWITCHYARD_SSE_MAX_STREAMS',
  sseMaxStreamsPerClientIp: 'SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP',
  requestTimeoutMs: 'SWITCHYARD_REQUEST_TIMEOUT_MS',
  authFailureLimit: 'SWITCHYARD_AUTH_FAILURE_LIMIT',
  authFailureWindowMs: 'SWITCHYARD_AUTH_FAILURE_WINDOW_MS',
  /** Set: /metrics needs it as a bearer token (and labels streams by project/environment). */
  metricsToken: 'SWITCHYARD_METRICS_TOKEN',
} as const;

/** Default SSE heartbeat: proxies' idle/read timeouts must be well above it. */
export const SSE_HEARTBEAT_MS = 15_000;

/** The server refuses an admin token shorter than this (server/src/config.ts `adminTokenSchema`). */
export const ADMIN_TOKEN_MIN_LENGTH = 16;

/** Variables that carry credentials: they come from Secrets, never from a ConfigMap or plain value. */
export const SECRET_ENV = [ENV.databaseUrl, ENV.redisUrl, ENV.adminToken, ENV.metricsToken] as const;

/**
 * Assumed HTTP request metric exposed on /metrics (fastify request metrics via prom-client):
 * a histogram named `http_request_duration_seconds` (so `_count`/`_bucket`/`_sum` series exist) with
 * a `status_code` label holding the numeric HTTP status. The canary analysis computes its error rate
 * from it; if the server names it differently, the AnalysisTemplate query must change with it.
 */
export const REQUEST_METRIC = {
  histogram: 'http_request_duration_seconds',
  count: 'http_request_duration_seconds_count',
  statusLabel: 'status_code',
} as const;
