import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, loadConfigOrExit } from './config.js';

describe('loadConfig', () => {
  it('applies the defaults: embedded mode seeds the demo', () => {
    expect(loadConfig({}, 65_536)).toEqual({
      port: 4242,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: './data',
      redisUrl: undefined,
      adminToken: undefined,
      migrateOnStart: true,
      seedDemo: true,
      corsOrigins: [],
      logLevel: 'info',
      trustProxy: false,
      maxStreams: 10_000,
      maxStreamsPerClientIp: 50,
      requestTimeoutMs: 30_000,
      authFailureLimit: 100,
      authFailureWindowMs: 60_000,
      metricsToken: undefined,
      publicUrl: undefined,
      cookieSecure: false,
      sessionIdleTimeoutMs: 12 * 3_600_000,
      sessionMaxAgeMs: 7 * 24 * 3_600_000,
      signInAccountLimit: 10,
      signInIpLimit: 50,
      signInWindowMs: 15 * 60_000,
      scryptLogN: 15,
      jobPollMs: 1_000,
      secretKey: undefined,
      webhookDenyPrivate: false,
      prometheusUrl: undefined,
      releasePlanMinGuardIntervalS: 10,
      oidc: null,
    });
  });

  it('reads single sign-on: the redirect URL from the public URL, scopes with openid, the role map', () => {
    const oidc = loadConfig({
      SWITCHYARD_PUBLIC_URL: 'https://flags.example/',
      SWITCHYARD_OIDC_ISSUER: 'https://id.example/realms/main',
      SWITCHYARD_OIDC_CLIENT_ID: 'switchyard',
      SWITCHYARD_OIDC_CLIENT_SECRET: 'shh',
      SWITCHYARD_OIDC_SCOPES: 'email profile groups',
      SWITCHYARD_OIDC_ROLE_MAP: 'sre=instance:admin, oncall=project:*:responder',
      SWITCHYARD_OIDC_ALLOWED_EMAIL_DOMAINS: 'Example.com, @corp.example',
    }).oidc;
    expect(oidc).toEqual({
      issuer: 'https://id.example/realms/main',
      clientId: 'switchyard',
      clientSecret: 'shh',
      redirectUrl: 'https://flags.example/api/v1/sign-in/oidc/callback',
      scopes: ['openid', 'email', 'profile', 'groups'],
      groupsClaim: 'groups',
      roleMap: [
        { group: 'sre', target: { kind: 'instance', role: 'admin' } },
        { group: 'oncall', target: { kind: 'project', project: '*', role: 'responder' } },
      ],
      allowedEmailDomains: ['example.com', 'corp.example'],
      name: 'Single sign-on',
    });
  });

  it('refuses an incomplete or unsafe single sign-on configuration, naming the variable', () => {
    const base = {
      SWITCHYARD_PUBLIC_URL: 'https://flags.example',
      SWITCHYARD_OIDC_ISSUER: 'https://id.example',
      SWITCHYARD_OIDC_CLIENT_ID: 'switchyard',
    };
    const variableOf = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).variable;
      }
      return null;
    };
    expect(variableOf(base)).toBeNull();
    expect(variableOf({ ...base, SWITCHYARD_OIDC_CLIENT_ID: undefined })).toBe('SWITCHYARD_OIDC_CLIENT_ID');
    expect(variableOf({ ...base, SWITCHYARD_PUBLIC_URL: undefined })).toBe('SWITCHYARD_PUBLIC_URL');
    expect(variableOf({ ...base, SWITCHYARD_OIDC_ISSUER: 'http://id.example' })).toBe('SWITCHYARD_OIDC_ISSUER');
    expect(variableOf({ ...base, SWITCHYARD_OIDC_ISSUER: 'http://127.0.0.1:9000' })).toBeNull();
    expect(variableOf({ ...base, SWITCHYARD_OIDC_ROLE_MAP: 'sre=instance:owner' })).toBe('SWITCHYARD_OIDC_ROLE_MAP');
    expect(variableOf({ ...base, SWITCHYARD_OIDC_ROLE_MAP: 'devs=project:Checkout:editor' })).toBe(
      'SWITCHYARD_OIDC_ROLE_MAP',
    );
  });

  it('marks the session cookie Secure unless embedded or served from http://localhost', () => {
    const postgres = { DATABASE_URL: 'postgresql://db/switchyard' };
    expect(loadConfig(postgres).cookieSecure).toBe(true);
    expect(loadConfig({ ...postgres, SWITCHYARD_PUBLIC_URL: 'https://flags.example/' }).cookieSecure).toBe(true);
    expect(loadConfig({ ...postgres, SWITCHYARD_PUBLIC_URL: 'http://localhost:4242' }).cookieSecure).toBe(false);
    expect(loadConfig({ ...postgres, SWITCHYARD_COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(loadConfig({ SWITCHYARD_COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
    expect(loadConfig({ SWITCHYARD_PUBLIC_URL: 'https://flags.example/' }).publicUrl).toBe('https://flags.example');
    expect(() => loadConfig({ SWITCHYARD_PUBLIC_URL: 'ftp://flags.example' })).toThrow(ConfigError);
  });

  it('reads the job poll interval, the secret key (base64 or hex) and the webhook address policy', () => {
    const key = Buffer.alloc(32, 7);
    expect(
      loadConfig({
        SWITCHYARD_JOB_POLL_MS: '0',
        SWITCHYARD_SECRET_KEY: key.toString('base64'),
        SWITCHYARD_WEBHOOK_DENY_PRIVATE: 'true',
      }),
    ).toMatchObject({ jobPollMs: 0, secretKey: key, webhookDenyPrivate: true });
    expect(loadConfig({ SWITCHYARD_SECRET_KEY: key.toString('hex') }).secretKey).toEqual(key);
    expect(() => loadConfig({ SWITCHYARD_SECRET_KEY: 'c2hvcnQ=' })).toThrow(
      'Invalid configuration: SWITCHYARD_SECRET_KEY must be 32 bytes',
    );
  });

  it('keeps the default stream limit at half the open-file limit when that is lower', () => {
    expect(loadConfig({}, 1_024).maxStreams).toBe(512);
    expect(loadConfig({}, undefined).maxStreams).toBe(10_000);
    expect(loadConfig({ SWITCHYARD_SSE_MAX_STREAMS: '2000' }, 1_024).maxStreams).toBe(2_000);
  });

  it('reads the limits, the proxies to trust and the metrics token', () => {
    expect(
      loadConfig({
        SWITCHYARD_TRUST_PROXY: 'loopback, 10.0.0.0/8',
        SWITCHYARD_SSE_MAX_STREAMS: '300',
        SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP: '5',
        SWITCHYARD_REQUEST_TIMEOUT_MS: '5000',
        SWITCHYARD_AUTH_FAILURE_LIMIT: '20',
        SWITCHYARD_AUTH_FAILURE_WINDOW_MS: '10000',
        SWITCHYARD_METRICS_TOKEN: 'prometheus-scrape-token',
      }),
    ).toMatchObject({
      trustProxy: ['loopback', '10.0.0.0/8'],
      maxStreams: 300,
      maxStreamsPerClientIp: 5,
      requestTimeoutMs: 5_000,
      authFailureLimit: 20,
      authFailureWindowMs: 10_000,
      metricsToken: 'prometheus-scrape-token',
    });
    expect(loadConfig({ SWITCHYARD_TRUST_PROXY: 'TRUE' }).trustProxy).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://user:secret@db:5432/switchyard',
      SWITCHYARD_DATA_DIR: '/var/lib/switchyard',
      REDIS_URL: 'redis://cache:6379',
      SWITCHYARD_ADMIN_TOKEN: 'a-long-enough-admin-token',
      SWITCHYARD_MIGRATE_ON_START: 'false',
      SWITCHYARD_CORS_ORIGINS: 'https://a.example, https://b.example,',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://user:secret@db:5432/switchyard',
      dataDir: '/var/lib/switchyard',
      redisUrl: 'redis://cache:6379',
      adminToken: 'a-long-enough-admin-token',
      migrateOnStart: false,
      corsOrigins: ['https://a.example', 'https://b.example'],
      logLevel: 'debug',
    });
    // With a database URL the demo is not seeded unless asked for.
    expect(config.seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', SWITCHYARD_SEED_DEMO: 'yes' }).seedDemo).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '' })).toMatchObject({
      port: 4242,
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  it('accepts generated admin tokens and any other long printable string', () => {
    const generated = 'sy_admin_' + 'A'.repeat(43);
    expect(loadConfig({ SWITCHYARD_ADMIN_TOKEN: generated }).adminToken).toBe(generated);
    expect(loadConfig({ SWITCHYARD_ADMIN_TOKEN: '0123456789abcdef' }).adminToken).toBe('0123456789abcdef');
  });

  it.each([
    [{ PORT: 'http' }, 'PORT', 'PORT must be a number'],
    [{ PORT: '70000' }, 'PORT', 'PORT must be at most 65535'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL', 'must be a postgres:// or postgresql:// URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL', 'must be a redis:// or rediss:// URL'],
    [{ SWITCHYARD_ADMIN_TOKEN: 'short' }, 'SWITCHYARD_ADMIN_TOKEN', 'at least 16 characters'],
    [{ SWITCHYARD_ADMIN_TOKEN: 'has spaces in the middle' }, 'SWITCHYARD_ADMIN_TOKEN', 'without spaces'],
    [{ SWITCHYARD_ADMIN_TOKEN: 'sy_client_abcdefghijklmnop' }, 'SWITCHYARD_ADMIN_TOKEN', 'must not look like'],
    [{ SWITCHYARD_MIGRATE_ON_START: 'maybe' }, 'SWITCHYARD_MIGRATE_ON_START', 'must be one of'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'must be one of'],
    [{ SWITCHYARD_TRUST_PROXY: '2' }, 'SWITCHYARD_TRUST_PROXY', 'not a hop count'],
    [{ SWITCHYARD_SSE_MAX_STREAMS: '0' }, 'SWITCHYARD_SSE_MAX_STREAMS', 'at least 1'],
    [{ SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP: 'many' }, 'SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP', 'a number'],
    [{ SWITCHYARD_REQUEST_TIMEOUT_MS: '10' }, 'SWITCHYARD_REQUEST_TIMEOUT_MS', 'at least 1000'],
    [{ SWITCHYARD_AUTH_FAILURE_LIMIT: '-1' }, 'SWITCHYARD_AUTH_FAILURE_LIMIT', 'at least 1'],
    [{ SWITCHYARD_METRICS_TOKEN: 'short' }, 'SWITCHYARD_METRICS_TOKEN', 'at least 16 characters'],
  ])('rejects %j naming the variable', (env, variable, fragment) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
    expect((error as ConfigError).message).toContain(fragment);
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it('never echoes a bad value (it may be a secret)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    );
  });
});

describe('loadConfigOrExit', () => {
  it('prints one line and exits with 1 on bad config', () => {
    const exit = vi.fn((code: number): never => {
      throw new Error(`exit ${code}`);
    });
    const lines: string[] = [];
    expect(() => loadConfigOrExit({ PORT: '-1' }, exit, (line) => lines.push(line))).toThrow('exit 1');
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines).toEqual(['Invalid configuration: PORT must be at least 0']);
  });

  it('returns the config when it is good', () => {
    const exit = vi.fn((): never => {
      throw new Error('should not exit');
    });
    expect(loadConfigOrExit({ PORT: '1234' }, exit).port).toBe(1234);
    expect(exit).not.toHaveBeenCalled();
  });
});
