import { ADMIN_TOKEN_MIN_LENGTH, DEFAULT_PORT, ENV, MIGRATE_COMMAND, PATHS } from '../server-contract.js';
import { imageTagProblem } from './images.js';

/** The parts of a Compose file these checks read (after `<<:` merges are applied). */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  ports?: (string | number | { target?: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  restart?: string;
  user?: string;
}

/** Compose `environment` in either form, as a map. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function dependsOn(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.condition ?? 'service_started']));
}

function commandOf(service: ComposeService): string[] | undefined {
  return typeof service.command === 'string' ? service.command.split(/\s+/) : service.command;
}

function healthTest(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** `host:container[/proto]` mappings as [host, container] pairs (long syntax included). */
function portPairs(service: ComposeService): [string, number][] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') return [String(p.published ?? ''), Number(p.target)];
    const parts = String(p).split('/')[0]!.split(':');
    return [parts.length > 1 ? parts.at(-2)! : '', Number(parts.at(-1))];
  });
}

function namedVolumes(service: ComposeService): string[] {
  return (service.volumes ?? []).flatMap((v) => {
    const source = typeof v === 'string' ? v.split(':')[0]! : (v.source ?? '');
    return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source) ? [source] : [];
  });
}

/** Services that run the server: the app image without a command override (it uses the image CMD). */
export function serverServices(file: ComposeFile): [string, ComposeService][] {
  return Object.entries(file.services).filter(([, s]) => s.build !== undefined && commandOf(s) === undefined);
}

/**
 * The local stack: Postgres and Redis with health checks and volumes, a one-shot migration, two or
 * more server replicas sharing both, on distinct host ports, configured with names the server reads.
 */
export function checkCompose(file: ComposeFile): string[] {
  const problems: string[] = [];
  const services = file.services;
  const declaredVolumes = new Set(Object.keys(file.volumes ?? {}));

  for (const [name, s] of Object.entries(services)) {
    if (s.image) {
      const problem = imageTagProblem(s.image);
      if (problem) problems.push(`${name}: ${problem}`);
    } else if (!s.build) problems.push(`${name}: neither image nor build`);
    for (const volume of namedVolumes(s)) {
      if (!declaredVolumes.has(volume)) problems.push(`${name}: volume ${volume} is not declared at the top level`);
    }
    for (const [dep, condition] of Object.entries(dependsOn(s))) {
      if (!services[dep]) problems.push(`${name}: depends on unknown service ${dep}`);
      if (condition === 'service_healthy' && !services[dep]?.healthcheck)
        problems.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
    }
  }

  const byImage = (pattern: RegExp) => Object.entries(services).find(([, s]) => pattern.test(s.image ?? ''));
  for (const [label, pattern, probe] of [
    ['postgres', /^postgres:/, /pg_isready/],
    ['redis', /^redis:/, /redis-cli.*ping/],
  ] as const) {
    const found = byImage(pattern);
    if (!found) {
      problems.push(`no ${label} service`);
      continue;
    }
    const [name, s] = found;
    if (!probe.test(healthTest(s))) problems.push(`${name}: healthcheck does not run ${probe.source}`);
    if (namedVolumes(s).length === 0) problems.push(`${name}: data is not on a named volume`);
  }
  const postgresName = byImage(/^postgres:/)?.[0];
  const redisName = byImage(/^redis:/)?.[0];

  const migrations = Object.entries(services).filter(
    ([, s]) => JSON.stringify(commandOf(s)) === JSON.stringify(MIGRATE_COMMAND),
  );
  if (migrations.length !== 1)
    problems.push(`expected one service running ${MIGRATE_COMMAND.join(' ')}, found ${migrations.length}`);
  const migrateName = migrations[0]?.[0];
  for (const [name, s] of migrations) {
    if (s.restart !== undefined && s.restart !== 'no') problems.push(`${name}: a one-shot migration must not restart`);
    if (postgresName && dependsOn(s)[postgresName] !== 'service_healthy')
      problems.push(`${name}: does not wait for ${postgresName} to be healthy`);
    if (!environmentOf(s)[ENV.databaseUrl]?.includes(`@${postgresName}:`))
      problems.push(`${name}: ${ENV.databaseUrl} does not point at ${postgresName}`);
  }

  const servers = serverServices(file);
  if (servers.length < 2) problems.push(`expected at least two server replicas, found ${servers.length}`);
  const hostPorts = new Map<string, string>();
  const known = new Set<string>([...Object.values(ENV), 'NODE_ENV']);
  for (const [name, s] of servers) {
    const env = environmentOf(s);
    for (const key of Object.keys(env))
      if (!known.has(key)) problems.push(`${name}: ${key} is not a variable the server reads`);
    if (!env[ENV.databaseUrl]?.includes(`@${postgresName}:`))
      problems.push(`${name}: ${ENV.databaseUrl} does not point at ${postgresName}`);
    if (!env[ENV.redisUrl]?.includes(`//${redisName}:`))
      problems.push(`${name}: ${ENV.redisUrl} does not point at ${redisName}`);
    if (env[ENV.migrateOnStart] !== 'false') problems.push(`${name}: ${ENV.migrateOnStart} is not 'false'`);
    // `${VAR:-default}`: the default is what a plain `docker compose up` gives the server.
    const token = (env[ENV.adminToken] ?? '').replace(/^\$\{\w+:-(.*)\}$/, '$1');
    if (token.length < ADMIN_TOKEN_MIN_LENGTH)
      problems.push(
        `${name}: ${ENV.adminToken} default is shorter than ${ADMIN_TOKEN_MIN_LENGTH}, the server would refuse it`,
      );
    if (env['NODE_ENV'] !== undefined && env['NODE_ENV'] !== 'production')
      problems.push(`${name}: NODE_ENV is not production`);
    const port = Number(env[ENV.port] ?? DEFAULT_PORT);
    if (port !== DEFAULT_PORT) problems.push(`${name}: ${ENV.port} ${port} is not ${DEFAULT_PORT}`);
    const deps = dependsOn(s);
    if (!migrateName || deps[migrateName] !== 'service_completed_successfully')
      problems.push(`${name}: does not wait for the migration to complete`);
    if (redisName && deps[redisName] !== 'service_healthy')
      problems.push(`${name}: does not wait for ${redisName} to be healthy`);
    if (!healthTest(s).includes(PATHS.health)) problems.push(`${name}: healthcheck does not probe ${PATHS.health}`);
    const pairs = portPairs(s);
    if (!pairs.some(([, container]) => container === DEFAULT_PORT))
      problems.push(`${name}: container port ${DEFAULT_PORT} is not published`);
    for (const [host] of pairs) {
      if (!host) continue;
      const other = hostPorts.get(host);
      if (other) problems.push(`${name}: host port ${host} is also published by ${other}`);
      hostPorts.set(host, name);
    }
  }
  return problems;
}
