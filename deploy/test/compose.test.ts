import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { checkCompose, serverServices, type ComposeFile } from './support/compose-policy.js';
import { readYamlFile, repoPath } from './support/files.js';
import { composeValidator, formatErrors } from './support/schemas.js';

const load = () => readYamlFile(repoPath('docker-compose.yml'), { merge: true }) as ComposeFile;

describe('docker-compose.yml', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = composeValidator();
  });

  it('matches the Compose Specification schema', () => {
    const ok = validate(load());
    expect(formatErrors(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('passes the stack policy', () => {
    expect(checkCompose(load())).toEqual([]);
  });

  it('runs two server replicas on their own host ports', () => {
    expect(serverServices(load()).map(([name]) => name)).toEqual(['server-a', 'server-b']);
  });

  it('schema validation can fail', () => {
    const broken = load() as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services['postgres']!['healthcheck'] = { test: ['CMD', 'true'], interval: 'five seconds' };
    broken.services['redis']!['restart_policy'] = 'always';
    expect(validate(broken)).toBe(false);
    const errors = formatErrors(validate.errors).join('\n');
    expect(errors).toMatch(/\/services\/postgres\/healthcheck\/interval must match format "duration"/);
    expect(errors).toMatch(/additionalProperty":"restart_policy"/);
  });
});

describe('compose policy catches a broken stack', () => {
  type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const broken = () => load() as unknown as { services: Record<string, Mutable>; volumes: Mutable };

  it('missing health checks, volumes and pinned images', () => {
    const file = broken();
    delete file.services['postgres']!['healthcheck'];
    file.services['redis']!['volumes'] = [];
    file.services['redis']!['image'] = 'redis:latest';
    delete file.volumes['postgres-data'];
    const problems = checkCompose(file as ComposeFile).join('\n');
    expect(problems).toMatch(/postgres: healthcheck does not run pg_isready/);
    expect(problems).toMatch(/migrate: waits for postgres to be healthy, but postgres has no healthcheck/);
    expect(problems).toMatch(/redis: data is not on a named volume/);
    expect(problems).toMatch(/redis: image redis:latest uses :latest/);
    expect(problems).toMatch(/postgres: volume postgres-data is not declared/);
  });

  it('servers that skip the migration, share a host port or miss Redis', () => {
    const file = broken();
    const b = file.services['server-b']!;
    b['depends_on'] = { redis: { condition: 'service_healthy' } };
    b['ports'] = ['4242:4242'];
    b['environment'] = {
      ...b['environment'],
      SWITCHYARD_MIGRATE_ON_START: 'true',
      REDISURL: 'x',
      SWITCHYARD_ADMIN_TOKEN: '${SWITCHYARD_ADMIN_TOKEN:-short}',
    };
    delete b['environment'].REDIS_URL;
    const problems = checkCompose(file as ComposeFile).join('\n');
    expect(problems).toMatch(/server-b: does not wait for the migration to complete/);
    expect(problems).toMatch(/server-b: host port 4242 is also published by server-a/);
    expect(problems).toMatch(/server-b: REDIS_URL does not point at redis/);
    expect(problems).toMatch(/server-b: REDISURL is not a variable the server reads/);
    expect(problems).toMatch(/server-b: SWITCHYARD_MIGRATE_ON_START is not 'false'/);
    expect(problems).toMatch(/server-b: SWITCHYARD_ADMIN_TOKEN default is shorter than 16/);
  });

  it('a single replica, a wrong migration command, a wrong health path', () => {
    const file = broken();
    delete file.services['server-b'];
    file.services['migrate']!['command'] = ['npx', 'prisma', 'migrate', 'deploy'];
    file.services['server-a']!['healthcheck'].test = ['CMD', 'node', 'deploy/docker/healthcheck.mjs', '/readyz'];
    const problems = checkCompose(file as ComposeFile).join('\n');
    expect(problems).toMatch(/expected at least two server replicas, found 1/);
    expect(problems).toMatch(/expected one service running node server\/dist\/cli\/migrate.js, found 0/);
    expect(problems).toMatch(/server-a: healthcheck does not probe \/healthz/);
  });
});
