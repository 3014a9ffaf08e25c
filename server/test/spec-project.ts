import type { Flag, Segment, Snapshot } from '@switchyard/core';
import { configToPercent } from '@switchyard/core/schema';
import type { App } from '../src/app.js';

/** The environment every spec project gets; the vectors' snapshots are all for `test`. */
export const SPEC_ENVIRONMENT = 'test';

/** What the API answered to the PUT of one flag's configuration. */
export interface ConfigWrite {
  status: number;
  /** The error message, for answers other than 200. */
  message?: string;
}

/** A vector snapshot written through the admin API and read back through the SDK endpoint. */
export interface SpecProject {
  /** flag key → the answer to PUT …/environments/test of that flag, in the vector's flag order. */
  configWrites: Map<string, ConfigWrite>;
  /** GET /api/v1/sdk/snapshot with a server token of the project's environment. */
  snapshot: Snapshot;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
}

/**
 * Writes `vector` as the project `projectKey` the way an operator would, only through the REST
 * API: the project, its `test` environment, every segment, every flag (type, variants, salt) and
 * then every flag's configuration (GET for the ETag, PUT with If-Match). Configurations go after
 * all flags because prerequisites may name flags that come later in the vector. A server token
 * then reads the snapshot back through GET /api/v1/sdk/snapshot.
 *
 * Every step but the configuration PUTs must succeed (an unexpected answer throws, with the
 * response body); the PUTs' answers are returned, since some vectors (prerequisite cycles,
 * missing parents) are rejected by design.
 */
export async function writeSpecProject(
  app: App,
  adminHeaders: Record<string, string>,
  projectKey: string,
  vector: Snapshot,
): Promise<SpecProject> {
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers = {}) => {
    const response = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...adminHeaders, ...headers },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.json(), headers: response.headers } as Answer;
  };
  const expectStatus = (answer: Answer, status: number, what: string) => {
    if (answer.status !== status) {
      throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer;
  };

  expectStatus(await call('POST', '/projects', { key: projectKey, name: projectKey }), 201, 'create project');
  const environmentBody = { key: SPEC_ENVIRONMENT, name: SPEC_ENVIRONMENT };
  const environment = await call('POST', `/projects/${projectKey}/environments`, environmentBody);
  expectStatus(environment, 201, 'create environment');

  for (const segment of vector.segments) {
    const answer = await call('POST', `/projects/${projectKey}/segments`, segmentBody(segment));
    expectStatus(answer, 201, `create segment ${segment.key}`);
  }
  for (const flag of vector.flags) {
    const answer = await call('POST', `/projects/${projectKey}/flags`, flagBody(flag));
    expectStatus(answer, 201, `create flag ${flag.key}`);
  }

  const configWrites = new Map<string, ConfigWrite>();
  for (const flag of vector.flags) {
    const path = `/projects/${projectKey}/flags/${flag.key}/environments/${SPEC_ENVIRONMENT}`;
    const current = expectStatus(await call('GET', path), 200, `get configuration of ${flag.key}`);
    const etag = String(current.headers['etag']);
    const answer = await call('PUT', path, configBody(flag), { 'if-match': etag });
    configWrites.set(flag.key, {
      status: answer.status,
      ...(answer.status === 200 ? {} : { message: (answer.body as { message?: string }).message ?? '' }),
    });
  }

  // Token names are unique among active tokens: one per spec project.
  const tokenBody = {
    name: `spec runner ${projectKey}`,
    kind: 'server',
    project: projectKey,
    environment: SPEC_ENVIRONMENT,
  };
  const token = expectStatus(await call('POST', '/tokens', tokenBody), 201, 'create server token');
  const secret = (token.body as { secret: string }).secret;
  const snapshot = await app.inject({
    method: 'GET',
    url: '/api/v1/sdk/snapshot',
    headers: { authorization: `Bearer ${secret}` },
  });
  if (snapshot.statusCode !== 200) {
    throw new Error(`GET /sdk/snapshot: expected 200, got ${snapshot.statusCode} ${snapshot.body}`);
  }
  return { configWrites, snapshot: snapshot.json<Snapshot>() };
}

/** POST /segments body for a vector segment. */
function segmentBody(segment: Segment) {
  return { key: segment.key, name: segment.key, conditions: segment.conditions };
}

/** POST /flags body: the flag's definition (variants always explicit, salt only when the vector has one). */
function flagBody(flag: Flag) {
  return {
    key: flag.key,
    name: flag.key,
    type: flag.type,
    variants: flag.variants,
    ...(flag.clientSide === undefined ? {} : { clientSide: flag.clientSide }),
    ...(flag.salt === undefined ? {} : { salt: flag.salt }),
  };
}

/** PUT …/environments/:environment body: the flag's per-environment configuration, rollouts in percent. */
function configBody(flag: Flag) {
  return configToPercent({
    enabled: flag.enabled,
    offVariant: flag.offVariant,
    defaultServe: flag.defaultServe,
    rules: flag.rules,
    prerequisites: flag.prerequisites,
  });
}
