import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseRoleMap, type RoleMapping } from './features/sign-in/oidc/role-map.js';

/** Log levels pino accepts (plus `silent`). */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The server's configuration, read once at start from environment variables. */
export interface Config {
  /** TCP port to listen on. `PORT`, default 4242. */
  port: number;
  /** Interface to bind. `HOST`, default 0.0.0.0. */
  host: string;
  /** PostgreSQL URL. `DATABASE_URL`; unset = embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where embedded mode keeps its database. `SWITCHYARD_DATA_DIR`, default ./data. */
  dataDir: string;
  /** Redis URL for cross-instance change propagation. `REDIS_URL`; unset = in-process bus. */
  redisUrl: string | undefined;
  /** Admin token to make sure exists at start. `SWITCHYARD_ADMIN_TOKEN` (see `adminTokenSchema`). */
  adminToken: string | undefined;
  /** Apply pending migrations at start. `SWITCHYARD_MIGRATE_ON_START`, default true. */
  migrateOnStart: boolean;
  /** Seed the `demo` project on first start. `SWITCHYARD_SEED_DEMO`, default true in embedded mode only. */
  seedDemo: boolean;
  /** Origins allowed by CORS. `SWITCHYARD_CORS_ORIGINS`, comma-separated; empty = CORS off. */
  corsOrigins: string[];
  /** `LOG_LEVEL`, default info. */
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * Which proxies to believe about the client's address (`X-Forwarded-For`), as fastify's
   * `trustProxy`. `SWITCHYARD_TRUST_PROXY`: `true`, `false` (default), or comma-separated
   * addresses, CIDRs or `loopback`/`linklocal`/`uniquelocal` of the proxies in front. The per-IP
   * limits below key on the address this yields.
   */
  trustProxy: boolean | string[];
  /**
   * SDK streams this replica holds at most; past it a new stream gets 503 + `Retry-After`.
   * `SWITCHYARD_SSE_MAX_STREAMS`, default 10,000 or half the process's open-file limit if lower.
   */
  maxStreams: number;
  /** Streams one client token may hold from one IP address (then 429). `SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP`, default 50. */
  maxStreamsPerClientIp: number;
  /** Time to receive a whole request, headers and body (then 408). `SWITCHYARD_REQUEST_TIMEOUT_MS`, default 30,000. */
  requestTimeoutMs: number;
  /** Failed authentications one IP may make per window before 429s. `SWITCHYARD_AUTH_FAILURE_LIMIT`, default 100. */
  authFailureLimit: number;
  /** The window of `authFailureLimit`. `SWITCHYARD_AUTH_FAILURE_WINDOW_MS`, default 60,000. */
  authFailureWindowMs: number;
  /** Bearer token GET /metrics requires, which also adds project/environment labels. `SWITCHYARD_METRICS_TOKEN`; unset = public, no keys. */
  metricsToken: string | undefined;
  /**
   * Where people reach the server (links printed at start, e.g. the first owner's set-up link).
   * `SWITCHYARD_PUBLIC_URL`; unset = the address it listens on.
   */
  publicUrl: string | undefined;
  /**
   * Whether the session cookie is marked `Secure` (sent over HTTPS only). `SWITCHYARD_COOKIE_SECURE`;
   * default on, except in embedded mode or when the public URL is http://localhost (or 127.0.0.1).
   */
  cookieSecure: boolean;
  /** A session ends after this long without a request. `SWITCHYARD_SESSION_IDLE_TIMEOUT_MS`, default 12 h. */
  sessionIdleTimeoutMs: number;
  /** A session ends this long after sign-in, however active. `SWITCHYARD_SESSION_MAX_AGE_MS`, default 7 days. */
  sessionMaxAgeMs: number;
  /** Failed sign-ins one account may have per window before 429s. `SWITCHYARD_SIGN_IN_ACCOUNT_LIMIT`, default 10. */
  signInAccountLimit: number;
  /** Failed sign-ins one IP address (IPv6: one /64) may make per window before 429s. `SWITCHYARD_SIGN_IN_IP_LIMIT`, default 50. */
  signInIpLimit: number;
  /** The window of both sign-in limits. `SWITCHYARD_SIGN_IN_WINDOW_MS`, default 15 minutes. */
  signInWindowMs: number;
  /**
   * scrypt's cost for new password hashes, as log2(N) with r = 8, p = 1 (N = 2^15: 32 MiB, tens of
   * ms). `SWITCHYARD_SCRYPT_LOG_N`, 15 to 20, default 15. Stored hashes keep their own cost and are
   * upgraded at their user's next sign-in when it is raised.
   */
  scryptLogN: number;
  /** How often the job runner polls for due jobs. `SWITCHYARD_JOB_POLL_MS`, default 1,000; 0 = never (tests tick by hand). */
  jobPollMs: number;
  /**
   * 32-byte key that encrypts secrets the server must be able to read back (webhook signing
   * secrets), AES-256-GCM. `SWITCHYARD_SECRET_KEY`, base64 or hex; the same on every replica.
   * Unset: embedded mode keeps a generated key in `<dataDir>/secret.key`; with PostgreSQL, creating
   * a webhook is refused until it is set.
   */
  secretKey: Buffer | undefined;
  /** Refuse webhook URLs that resolve to private, loopback or link-local addresses. `SWITCHYARD_WEBHOOK_DENY_PRIVATE`, default false. */
  webhookDenyPrivate: boolean;
  /** Default Prometheus of release plans' `prometheus` guards. `SWITCHYARD_PROMETHEUS_URL`, unset = none. */
  prometheusUrl: string | undefined;
  /**
   * The shortest guard interval a release plan may ask for, in seconds.
   * `SWITCHYARD_RELEASE_PLAN_MIN_GUARD_INTERVAL_S`, default 10 (tests and demos set it lower).
   */
  releasePlanMinGuardIntervalS: number;
  /** Single sign-on with OpenID Connect; null when `SWITCHYARD_OIDC_ISSUER` is unset (off). */
  oidc: OidcConfig | null;
}

/** Single sign-on with an OpenID Connect provider (features/sign-in/oidc). */
export interface OidcConfig {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). `SWITCHYARD_OIDC_ISSUER`. */
  issuer: string;
  /** `SWITCHYARD_OIDC_CLIENT_ID`, required with the issuer. */
  clientId: string;
  /** `SWITCHYARD_OIDC_CLIENT_SECRET`; unset = a public client (PKCE only, no client authentication). */
  clientSecret: string | undefined;
  /** Where the provider sends the browser back: `<SWITCHYARD_PUBLIC_URL>/api/v1/sign-in/oidc/callback`. */
  redirectUrl: string;
  /** `SWITCHYARD_OIDC_SCOPES`, space-separated, default `openid email profile` (`openid` always added). */
  scopes: string[];
  /** The claim that lists the person's groups. `SWITCHYARD_OIDC_GROUPS_CLAIM`, default `groups`. */
  groupsClaim: string;
  /** Group → role. `SWITCHYARD_OIDC_ROLE_MAP` (see `parseRoleMap`); default none. */
  roleMap: RoleMapping[];
  /** Only emails of these domains may sign in. `SWITCHYARD_OIDC_ALLOWED_EMAIL_DOMAINS`, comma-separated; empty = any. */
  allowedEmailDomains: string[];
  /** What the console's button says. `SWITCHYARD_OIDC_NAME`, default `Single sign-on`. */
  name: string;
}

/** Thrown by `loadConfig`; `message` is one line that names the offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What `SWITCHYARD_ADMIN_TOKEN` may hold: at least 16 characters of printable ASCII without spaces
 * (it travels in an `Authorization` header). A value shaped like a generated token of another kind
 * (`sy_server_…`, `sy_client_…`) is refused, since it would read as something it is not.
 */
export const adminTokenSchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(512, 'must be at most 512 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .refine((value) => !/^sy_(server|client)_/.test(value), 'must not look like a server or client token');

const booleanVar = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Unset and empty are the same thing for every variable: "use the default". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const positiveInt = z.coerce.number().int().min(1);

/** `true`/`false`, or a list of addresses/CIDRs/proxy-addr names (fastify's hop counts trust nothing). */
const trustProxyVar = z
  .string()
  .trim()
  .refine((value) => !/^\d+$/.test(value), 'must be true, false or a list of proxy addresses, not a hop count')
  .transform((value): boolean | string[] => {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    return value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  });

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HOST: optional(z.string().min(1)),
  DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })),
  SWITCHYARD_DATA_DIR: optional(z.string()),
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  SWITCHYARD_ADMIN_TOKEN: optional(adminTokenSchema),
  SWITCHYARD_MIGRATE_ON_START: optional(booleanVar),
  SWITCHYARD_SEED_DEMO: optional(booleanVar),
  SWITCHYARD_CORS_ORIGINS: optional(z.string()),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  SWITCHYARD_TRUST_PROXY: optional(trustProxyVar),
  SWITCHYARD_SSE_MAX_STREAMS: optional(positiveInt),
  SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP: optional(positiveInt),
  SWITCHYARD_REQUEST_TIMEOUT_MS: optional(z.coerce.number().int().min(1_000, 'must be at least 1000')),
  SWITCHYARD_AUTH_FAILURE_LIMIT: optional(positiveInt),
  SWITCHYARD_AUTH_FAILURE_WINDOW_MS: optional(z.coerce.number().int().min(1_000, 'must be at least 1000')),
  SWITCHYARD_PUBLIC_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  SWITCHYARD_COOKIE_SECURE: optional(booleanVar),
  SWITCHYARD_SESSION_IDLE_TIMEOUT_MS: optional(z.coerce.number().int().min(60_000, 'must be at least 60000')),
  SWITCHYARD_SESSION_MAX_AGE_MS: optional(z.coerce.number().int().min(60_000, 'must be at least 60000')),
  SWITCHYARD_SIGN_IN_ACCOUNT_LIMIT: optional(positiveInt),
  SWITCHYARD_SIGN_IN_IP_LIMIT: optional(positiveInt),
  SWITCHYARD_SIGN_IN_WINDOW_MS: optional(z.coerce.number().int().min(1_000, 'must be at least 1000')),
  SWITCHYARD_SCRYPT_LOG_N: optional(z.coerce.number().int().min(15).max(20)),
  SWITCHYARD_OIDC_ISSUER: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  SWITCHYARD_OIDC_CLIENT_ID: optional(z.string().trim().min(1)),
  SWITCHYARD_OIDC_CLIENT_SECRET: optional(z.string().min(1)),
  SWITCHYARD_OIDC_SCOPES: optional(z.string().trim().min(1)),
  SWITCHYARD_OIDC_GROUPS_CLAIM: optional(z.string().trim().min(1)),
  SWITCHYARD_OIDC_ROLE_MAP: optional(z.string()),
  SWITCHYARD_OIDC_ALLOWED_EMAIL_DOMAINS: optional(z.string()),
  SWITCHYARD_OIDC_NAME: optional(z.string().trim().min(1).max(100)),
  SWITCHYARD_METRICS_TOKEN: optional(
    z
      .string()
      .min(16, 'must be at least 16 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  ),
  SWITCHYARD_JOB_POLL_MS: optional(z.coerce.number().int().min(0)),
  SWITCHYARD_SECRET_KEY: optional(
    z
      .string()
      .trim()
      .transform((value) => Buffer.from(value, /^[0-9a-f]{64}$/i.test(value) ? 'hex' : 'base64'))
      .refine((key) => key.length === 32, 'must be 32 bytes, base64 or hex (e.g. `openssl rand -base64 32`)'),
  ),
  SWITCHYARD_WEBHOOK_DENY_PRIVATE: optional(booleanVar),
  SWITCHYARD_PROMETHEUS_URL: optional(z.url({ protocol: /^https?$/ })),
  SWITCHYARD_RELEASE_PLAN_MIN_GUARD_INTERVAL_S: optional(z.coerce.number().int().min(1).max(3_600)),
});

/** Streams a replica holds at most unless configured: below the open-file limit, with room for the rest. */
const DEFAULT_MAX_STREAMS = 10_000;

/**
 * Reads the configuration from `env`. Throws a `ConfigError` whose message is one line naming the
 * first bad variable; `loadConfigOrExit` turns that into a printed line and exit code 1.
 * `openFileLimit` (default: this process's soft limit) caps the default of `maxStreams`.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  openFileLimit: number | undefined = readOpenFileLimit(),
): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    // Never echo the value: it may be a secret (admin token, URL with password).
    throw new ConfigError(variable, `Invalid configuration: ${variable} ${describeIssue(issue)}`);
  }
  const vars = parsed.data;
  const embedded = vars.DATABASE_URL === undefined;
  return {
    port: vars.PORT ?? 4242,
    host: vars.HOST ?? '0.0.0.0',
    databaseUrl: vars.DATABASE_URL,
    dataDir: vars.SWITCHYARD_DATA_DIR ?? './data',
    redisUrl: vars.REDIS_URL,
    adminToken: vars.SWITCHYARD_ADMIN_TOKEN,
    migrateOnStart: vars.SWITCHYARD_MIGRATE_ON_START ?? true,
    seedDemo: vars.SWITCHYARD_SEED_DEMO ?? embedded,
    corsOrigins: (vars.SWITCHYARD_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    logLevel: vars.LOG_LEVEL ?? 'info',
    trustProxy: vars.SWITCHYARD_TRUST_PROXY ?? false,
    maxStreams:
      vars.SWITCHYARD_SSE_MAX_STREAMS ??
      Math.max(1, Math.min(DEFAULT_MAX_STREAMS, Math.floor((openFileLimit ?? Infinity) / 2))),
    maxStreamsPerClientIp: vars.SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP ?? 50,
    requestTimeoutMs: vars.SWITCHYARD_REQUEST_TIMEOUT_MS ?? 30_000,
    authFailureLimit: vars.SWITCHYARD_AUTH_FAILURE_LIMIT ?? 100,
    authFailureWindowMs: vars.SWITCHYARD_AUTH_FAILURE_WINDOW_MS ?? 60_000,
    metricsToken: vars.SWITCHYARD_METRICS_TOKEN,
    publicUrl: vars.SWITCHYARD_PUBLIC_URL?.replace(/\/+$/, ''),
    cookieSecure: vars.SWITCHYARD_COOKIE_SECURE ?? !(embedded || isLocalHttp(vars.SWITCHYARD_PUBLIC_URL)),
    sessionIdleTimeoutMs: vars.SWITCHYARD_SESSION_IDLE_TIMEOUT_MS ?? 12 * 3_600_000,
    sessionMaxAgeMs: vars.SWITCHYARD_SESSION_MAX_AGE_MS ?? 7 * 24 * 3_600_000,
    signInAccountLimit: vars.SWITCHYARD_SIGN_IN_ACCOUNT_LIMIT ?? 10,
    signInIpLimit: vars.SWITCHYARD_SIGN_IN_IP_LIMIT ?? 50,
    signInWindowMs: vars.SWITCHYARD_SIGN_IN_WINDOW_MS ?? 15 * 60_000,
    scryptLogN: vars.SWITCHYARD_SCRYPT_LOG_N ?? 15,
    jobPollMs: vars.SWITCHYARD_JOB_POLL_MS ?? 1_000,
    secretKey: vars.SWITCHYARD_SECRET_KEY,
    webhookDenyPrivate: vars.SWITCHYARD_WEBHOOK_DENY_PRIVATE ?? false,
    prometheusUrl: vars.SWITCHYARD_PROMETHEUS_URL,
    releasePlanMinGuardIntervalS: vars.SWITCHYARD_RELEASE_PLAN_MIN_GUARD_INTERVAL_S ?? 10,
    oidc: oidcConfig(vars),
  };
}

/** The OIDC settings, or null when no issuer is set; throws a `ConfigError` for an incomplete or bad set. */
function oidcConfig(vars: z.output<typeof envSchema>): OidcConfig | null {
  const issuer = vars.SWITCHYARD_OIDC_ISSUER;
  if (issuer === undefined) return null;
  // A provider reached over plain HTTP could be impersonated by anyone on the path: local tests only.
  if (new URL(issuer).protocol === 'http:' && !isLoopback(issuer)) {
    throw new ConfigError(
      'SWITCHYARD_OIDC_ISSUER',
      'Invalid configuration: SWITCHYARD_OIDC_ISSUER must be https:// (http:// only for localhost)',
    );
  }
  if (vars.SWITCHYARD_OIDC_CLIENT_ID === undefined) {
    throw new ConfigError(
      'SWITCHYARD_OIDC_CLIENT_ID',
      'Invalid configuration: SWITCHYARD_OIDC_CLIENT_ID is required with SWITCHYARD_OIDC_ISSUER',
    );
  }
  const publicUrl = vars.SWITCHYARD_PUBLIC_URL?.replace(/\/+$/, '');
  if (publicUrl === undefined) {
    throw new ConfigError(
      'SWITCHYARD_PUBLIC_URL',
      'Invalid configuration: SWITCHYARD_PUBLIC_URL is required with SWITCHYARD_OIDC_ISSUER (the redirect URL is derived from it)',
    );
  }
  let roleMap: RoleMapping[];
  try {
    roleMap = parseRoleMap(vars.SWITCHYARD_OIDC_ROLE_MAP ?? '');
  } catch (error) {
    throw new ConfigError(
      'SWITCHYARD_OIDC_ROLE_MAP',
      `Invalid configuration: SWITCHYARD_OIDC_ROLE_MAP ${(error as Error).message}`,
    );
  }
  const scopes = new Set(['openid', ...(vars.SWITCHYARD_OIDC_SCOPES ?? 'openid email profile').split(/\s+/)]);
  return {
    issuer,
    clientId: vars.SWITCHYARD_OIDC_CLIENT_ID,
    clientSecret: vars.SWITCHYARD_OIDC_CLIENT_SECRET,
    redirectUrl: `${publicUrl}/api/v1/sign-in/oidc/callback`,
    scopes: [...scopes].filter((scope) => scope !== ''),
    groupsClaim: vars.SWITCHYARD_OIDC_GROUPS_CLAIM ?? 'groups',
    roleMap,
    allowedEmailDomains: (vars.SWITCHYARD_OIDC_ALLOWED_EMAIL_DOMAINS ?? '')
      .split(',')
      .map((domain) => domain.trim().toLowerCase().replace(/^@/, ''))
      .filter((domain) => domain !== ''),
    name: vars.SWITCHYARD_OIDC_NAME ?? 'Single sign-on',
  };
}

function isLoopback(url: string): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}

/** http://localhost, 127.0.0.1 or [::1]: a browser there has no HTTPS, so a Secure cookie would never be sent. */
function isLocalHttp(url: string | undefined): boolean {
  if (url === undefined) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

/**
 * The soft limit on open files (`ulimit -n`) from /proc/self/limits; undefined where there is no
 * such file (not Linux) or it says `unlimited`. Every SSE stream holds one descriptor.
 */
export function readOpenFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/** `loadConfig`, but a bad configuration prints one line to stderr and exits with code 1. */
export function loadConfigOrExit(
  env: NodeJS.ProcessEnv = process.env,
  exit: (code: number) => never = process.exit,
  writeError: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      writeError(error.message);
      return exit(1);
    }
    throw error;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('must ')) return issue.message; // our own wording
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return `must be a ${issue.expected}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    default:
      return issue.message;
  }
}
