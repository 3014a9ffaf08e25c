import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { anyString, checkWrite, urlPart } from '../../../test/helpers/fuzz.js';

/**
 * Fuzzes the project and environment write routes with generated bodies, path keys and `?force`
 * values (valid, nearly valid and arbitrary): never a 5xx, and a rejected request leaves the
 * database exactly as it was.
 */
let t: TestApp;
const NUM_RUNS = 150;
const API = '/api/v1';
/** `full` holds a flag (deleting it or its environments needs ?force); `empty` holds none. */
const PROJECT_KEYS = ['full', 'empty', 'ghost', 'made-by-fuzz'];
const ENVIRONMENT_KEYS = ['prod', 'stage', 'ghost', 'made-by-fuzz'];

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/);
const projectKey = fc.oneof(fc.constantFrom(...PROJECT_KEYS), slug, anyString);
const environmentKey = fc.oneof(fc.constantFrom(...ENVIRONMENT_KEYS), slug, anyString);
/** A key in a URL: mostly the fixtures' (so the route gets past its 404), sometimes anything. */
const projectInPath = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROJECT_KEYS) },
  { weight: 1, arbitrary: anyString },
);
const environmentInPath = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ENVIRONMENT_KEYS) },
  { weight: 1, arbitrary: anyString },
);
const force = fc.option(fc.oneof(fc.constantFrom('true', 'false', '1', 'yes', ''), anyString), { nil: undefined });
const name = fc.oneof(fc.constant('A name'), anyString, fc.jsonValue());
const description = fc.oneof(anyString, fc.jsonValue());

const body = <T>(record: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: fc.jsonValue() });
const createProjectBody = body(
  fc.record({ key: projectKey, name, description, extra: fc.jsonValue() }, { requiredKeys: ['key', 'name'] }),
);
const updateProjectBody = body(fc.record({ name, description, key: projectKey }, { requiredKeys: [] }));
const createEnvironmentBody = body(
  fc.record({ key: environmentKey, name, extra: fc.jsonValue() }, { requiredKeys: ['key', 'name'] }),
);
const updateEnvironmentBody = body(fc.record({ name, key: environmentKey }, { requiredKeys: [] }));

const withForce = (url: string, value: string | undefined) =>
  value === undefined ? url : `${url}?force=${urlPart(value)}`;

async function admin(method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url: `${API}${url}`, headers: t.adminHeaders, ...(payload ? { payload } : {}) });
}

/** Puts back the fixtures a run may have deleted: `full` (prod, stage, a flag) and `empty` (prod, stage). */
async function ensureFixtures() {
  for (const project of ['full', 'empty']) {
    if ((await admin('GET', `/projects/${project}`)).statusCode === 404) {
      expect((await admin('POST', '/projects', { key: project, name: project })).statusCode).toBe(201);
    }
    for (const environment of ['prod', 'stage']) {
      if ((await admin('GET', `/projects/${project}/environments/${environment}`)).statusCode === 404) {
        const created = await admin('POST', `/projects/${project}/environments`, {
          key: environment,
          name: environment,
        });
        expect(created.statusCode).toBe(201);
      }
    }
  }
  if ((await admin('GET', '/projects/full/flags/alpha')).statusCode === 404) {
    const flag = await admin('POST', '/projects/full/flags', { key: 'alpha', name: 'Alpha', type: 'boolean' });
    expect(flag.statusCode).toBe(201);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  await ensureFixtures();
});
afterAll(async () => t?.close());

const runs = { numRuns: NUM_RUNS };
// Each property runs its examples first: a known-valid input, so the success path is reached
// whatever the seed (its rejection would fail the count below), then inputs with a NUL, which
// Postgres text cannot hold (they were 500s; random strings reach them only now and then).

describe('fuzzed project and environment write routes: no 5xx, nothing written on rejection', () => {
  it('POST /projects', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(createProjectBody, async (payload) => {
        const response = await checkWrite(t, 'POST', `${API}/projects`, payload);
        if (response.statusCode === 201) {
          accepted++;
          // Keep the pool small, so later runs hit existing keys (409) too.
          const key = response.json<{ key: string }>().key;
          const deleted = await checkWrite(t, 'DELETE', `${API}/projects/${key}?force=true`, undefined);
          expect(deleted.statusCode).toBe(204);
        }
      }),
      {
        ...runs,
        examples: [
          [{ key: 'from-example', name: 'A project', description: 'Made by an example' }],
          [{ key: 'nul', name: 'a\u0000b' }],
          [{ key: 'nul', name: 'A project', description: '\u0000' }],
        ],
      },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('PATCH /projects/:project', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(projectInPath, updateProjectBody, async (key, payload) => {
        const response = await checkWrite(t, 'PATCH', `${API}/projects/${urlPart(key)}`, payload);
        if (response.statusCode === 200) accepted++;
      }),
      {
        ...runs,
        examples: [
          ['empty', { name: 'Renamed', description: 'Changed' }],
          ['empty', { name: '\u0000' }],
          ['\u0000', { name: 'Renamed' }],
        ],
      },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('DELETE /projects/:project (and re-create)', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(projectInPath, force, fc.option(fc.jsonValue()), async (key, forced, payload) => {
        const url = withForce(`${API}/projects/${urlPart(key)}`, forced);
        const response = await checkWrite(t, 'DELETE', url, payload ?? undefined);
        statuses.add(response.statusCode);
        if (response.statusCode === 204) await ensureFixtures();
      }),
      {
        ...runs,
        examples: [
          ['full', undefined, null],
          ['empty', 'true', null],
          ['\u0000', 'true', null],
        ],
      },
    );
    // A project with a flag is refused without ?force (409), an empty one deleted (204).
    expect(statuses).toContain(409);
    expect(statuses).toContain(204);
  }, 300_000);

  it('POST /projects/:project/environments', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(projectInPath, createEnvironmentBody, async (project, payload) => {
        const url = `${API}/projects/${urlPart(project)}/environments`;
        const response = await checkWrite(t, 'POST', url, payload);
        if (response.statusCode === 201) {
          accepted++;
          const key = response.json<{ key: string }>().key;
          const deleted = await checkWrite(t, 'DELETE', `${url}/${key}?force=true`, undefined);
          expect(deleted.statusCode).toBe(204);
        }
      }),
      {
        ...runs,
        examples: [
          ['full', { key: 'from-example', name: 'An environment' }],
          ['full', { key: 'nul', name: '\u0000' }],
          ['\u0000', { key: 'nul', name: 'An environment' }],
        ],
      },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('PATCH /projects/:project/environments/:environment', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(projectInPath, environmentInPath, updateEnvironmentBody, async (project, key, payload) => {
        const url = `${API}/projects/${urlPart(project)}/environments/${urlPart(key)}`;
        const response = await checkWrite(t, 'PATCH', url, payload);
        if (response.statusCode === 200) accepted++;
      }),
      {
        ...runs,
        examples: [
          ['full', 'stage', { name: 'Renamed' }],
          ['full', 'stage', { name: 'a\u0000' }],
          ['full', '\u0000', { name: 'Renamed' }],
        ],
      },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('DELETE /projects/:project/environments/:environment (and re-create)', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        projectInPath,
        environmentInPath,
        force,
        fc.option(fc.jsonValue()),
        async (project, key, forced, payload) => {
          const url = withForce(`${API}/projects/${urlPart(project)}/environments/${urlPart(key)}`, forced);
          const response = await checkWrite(t, 'DELETE', url, payload ?? undefined);
          statuses.add(response.statusCode);
          if (response.statusCode === 204) await ensureFixtures();
        },
      ),
      {
        ...runs,
        examples: [
          ['full', 'prod', undefined, null],
          ['empty', 'stage', undefined, null],
          ['empty', '\u0000', 'true', null],
        ],
      },
    );
    // An environment of a project with flags is refused without ?force (409); others deleted (204).
    expect(statuses).toContain(409);
    expect(statuses).toContain(204);
  }, 300_000);
});
