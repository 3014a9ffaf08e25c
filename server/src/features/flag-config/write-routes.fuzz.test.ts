import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { clientSideViolations } from '../../../test/helpers/client-side-violations.js';
import { checkWrite, conditionArbitrary, type WriteMethod } from '../../../test/helpers/fuzz.js';

/**
 * Fuzzes every write route of flags and flag-config with generated bodies (valid, nearly valid
 * and arbitrary JSON): never a 5xx, a rejected request leaves the database exactly as it was, and
 * no sequence of accepted ones gives a client-side flag a server-only prerequisite.
 */
let t: TestApp;
const NUM_RUNS = 200;
const P = '/api/v1/projects/fuzz';
const FLAGS = ['alpha', 'beta', 'gamma'];

/**
 * Sends the request; asserts no 5xx, no change at all when it was rejected (see checkWrite), and
 * that no live client-side flag is left listing a flag that is not client-side as a prerequisite
 * (browsers would not get the parent; see flags/client-side-prerequisites.ts).
 */
const check = async (method: WriteMethod, url: string, payload: unknown, headers: Record<string, string> = {}) => {
  const response = await checkWrite(t, method, url, payload, headers);
  expect(await violationsNow(), `${method} ${url} ${JSON.stringify(payload)}`).toEqual([]);
  return response;
};

/** `child → parent (environment)` for every live client-side flag with a server-only prerequisite. */
const violationsNow = () => clientSideViolations(t.db);

// ---- generators -------------------------------------------------------------------------------

const variantKey = fc.constantFrom('on', 'off', 'nope', '', 'red');
/** Percents: valid (two decimals), with more decimals, out of range, anything. */
const percent = fc.oneof(
  fc.integer({ min: 0, max: 10000 }).map((bps) => bps / 100),
  fc.integer(),
  fc.double(),
  fc.constant(50),
);
/** A share in percent, or (sometimes) in the old basis-point `weight`. */
const share = fc.oneof(
  { weight: 4, arbitrary: fc.record({ variant: variantKey, percent }) },
  { weight: 1, arbitrary: fc.record({ variant: variantKey, weight: fc.integer({ min: -5, max: 10005 }) }) },
);
const serve = fc.oneof(
  fc.record({ variant: variantKey }),
  fc.record({ split: fc.array(share, { maxLength: 3 }), stickiness: fc.string() }, { requiredKeys: ['split'] }),
  fc.constantFrom({
    split: [
      { variant: 'on', percent: 50 },
      { variant: 'off', percent: 50 },
    ],
  }),
);
const rule = fc.record(
  {
    id: fc.constantFrom('r1', 'r2', ''),
    description: fc.string(),
    conditions: fc.array(conditionArbitrary, { maxLength: 2 }),
    segments: fc.subarray(['seg', 'ghost']),
    rollout: fc.oneof(
      { weight: 4, arbitrary: fc.record({ percent: fc.oneof(percent, fc.integer({ min: -5, max: 105 })) }) },
      { weight: 1, arbitrary: fc.record({ percentage: fc.integer({ min: -5, max: 10005 }) }) },
    ),
    serve,
  },
  { requiredKeys: ['id', 'conditions', 'segments', 'serve'] },
);
const prerequisite = fc.record({
  flagKey: fc.constantFrom(...FLAGS, 'ghost'),
  variants: fc.subarray(['on', 'off', 'maybe']),
});
/** Configurations that pass every check, unless a prerequisite closes a cycle. */
const validConfigBody = fc.record({
  enabled: fc.boolean(),
  offVariant: fc.constantFrom('on', 'off'),
  defaultServe: fc.oneof(
    fc.record({ variant: fc.constantFrom('on', 'off') }),
    fc.integer({ min: 0, max: 10000 }).map((w) => ({
      split: [
        { variant: 'on', percent: w / 100 },
        { variant: 'off', percent: (10000 - w) / 100 },
      ],
    })),
  ),
  rules: fc.uniqueArray(
    fc.record({
      id: fc.constantFrom('r1', 'r2', 'r3'),
      conditions: fc.array(
        fc.record({
          attribute: fc.constantFrom('email', 'plan'),
          operator: fc.constantFrom('in', 'ends_with'),
          values: fc.array(fc.string(), { maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
      segments: fc.subarray(['seg']),
      rollout: fc.record({ percent: fc.integer({ min: 0, max: 10000 }).map((bps) => bps / 100) }),
      serve: fc.record({ variant: fc.constantFrom('on', 'off') }),
    }),
    { maxLength: 3, selector: (r) => r.id },
  ),
  prerequisites: fc.array(fc.record({ flagKey: fc.constantFrom(...FLAGS), variants: fc.subarray(['on', 'off']) }), {
    maxLength: 1,
  }),
});
/** Valid configurations, nearly valid ones, and anything at all. */
const configBody = fc.oneof(
  { weight: 3, arbitrary: validConfigBody },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        enabled: fc.oneof(fc.boolean(), fc.constant('yes')),
        offVariant: variantKey,
        defaultServe: serve,
        rules: fc.array(rule, { maxLength: 3 }),
        prerequisites: fc.array(prerequisite, { maxLength: 2 }),
        extra: fc.jsonValue(),
      },
      { requiredKeys: ['enabled', 'offVariant', 'defaultServe'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const variant = fc.record(
  { key: fc.oneof(variantKey, fc.string()), value: fc.jsonValue() },
  { requiredKeys: ['key', 'value'] },
);
const flagFields = {
  name: fc.oneof(fc.string(), fc.constant('A flag')),
  description: fc.string(),
  tags: fc.array(fc.string(), { maxLength: 3 }),
  clientSide: fc.oneof(fc.boolean(), fc.jsonValue()),
  variants: fc.oneof(
    fc.array(variant, { maxLength: 4 }),
    fc.constant([
      { key: 'on', value: true },
      { key: 'off', value: false },
    ]),
    fc.constant([{ key: 'on', value: true }]),
  ),
};
const createBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        key: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/), fc.string(), fc.constantFrom(...FLAGS)),
        type: fc.oneof(fc.constantFrom('boolean', 'string', 'number', 'json'), fc.string()),
        salt: fc.string(),
        ...flagFields,
      },
      { requiredKeys: ['key', 'name', 'type'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const patchBody = fc.oneof(
  { weight: 4, arbitrary: fc.record(flagFields, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const flagKey = fc.constantFrom(...FLAGS, 'ghost');
const envKey = fc.constantFrom('production', 'staging', 'ghost');
/** Valid, stale, malformed or missing If-Match. */
const ifMatch = fc.constantFrom<'current' | 'stale' | 'malformed' | 'missing'>(
  'current',
  'current',
  'stale',
  'malformed',
  'missing',
);

async function ifMatchHeader(
  kind: 'current' | 'stale' | 'malformed' | 'missing',
  configUrl: string,
): Promise<Record<string, string>> {
  if (kind === 'missing') return {};
  if (kind === 'malformed') return { 'if-match': 'W/"x"' };
  const current = await t.app.inject({ method: 'GET', url: configUrl, headers: t.adminHeaders });
  const version = current.statusCode === 200 ? (current.json().version as number) : 1;
  return { 'if-match': `"${kind === 'stale' ? version + 7 : version}"` };
}

beforeAll(async () => {
  t = await createTestApp();
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.adminHeaders, payload });
  await post('/api/v1/projects', { key: 'fuzz', name: 'Fuzz' });
  for (const key of ['production', 'staging']) await post(`${P}/environments`, { key, name: key });
  for (const key of FLAGS) expect((await post(`${P}/flags`, { key, name: key, type: 'boolean' })).statusCode).toBe(201);
  const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'fuzz' } });
  await t.db.prisma.segment.create({ data: { projectId: project.id, key: 'seg', name: 'Seg' } });
});
afterAll(async () => t?.close());

const runs = { numRuns: NUM_RUNS };
const validExample = {
  enabled: true,
  offVariant: 'off',
  defaultServe: { variant: 'on' },
  rules: [],
  prerequisites: [],
};

describe('fuzzed write routes: no 5xx, nothing written on rejection', () => {
  it('POST /flags', async () => {
    await fc.assert(
      fc.asyncProperty(createBody, async (body) => void (await check('POST', `${P}/flags`, body))),
      runs,
    );
  }, 300_000);

  it('PATCH /flags/:flag', async () => {
    await fc.assert(
      fc.asyncProperty(
        flagKey,
        patchBody,
        async (flag, body) => void (await check('PATCH', `${P}/flags/${flag}`, body)),
      ),
      runs,
    );
  }, 300_000);

  it('PUT …/environments/:env', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(flagKey, envKey, configBody, ifMatch, async (flag, env, body, kind) => {
        const url = `${P}/flags/${flag}/environments/${env}`;
        const response = await check('PUT', url, body, await ifMatchHeader(kind, url));
        if (response.statusCode === 200) accepted++;
      }),
      // A known-valid input runs first, so the success path is reached whatever the seed.
      { ...runs, examples: [['alpha', 'production', validExample, 'current' as const]] },
    );
    // The generator is meant to reach the success path too, not only the validators.
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('POST …/rules/:ruleId/rollout', async () => {
    const value = fc.oneof(
      fc.integer({ min: 0, max: 10000 }).map((bps) => bps / 100),
      fc.integer({ min: -10, max: 10010 }),
      fc.double(),
      fc.string(),
      fc.jsonValue(),
    );
    const body = fc.oneof(
      fc.record({ percent: value, reason: fc.string() }, { requiredKeys: ['percent'] }),
      fc.record({ percentage: value }),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(
        flagKey,
        envKey,
        fc.constantFrom('r1', 'r2', 'nope'),
        body,
        ifMatch,
        async (flag, env, ruleId, payload, kind) => {
          const url = `${P}/flags/${flag}/environments/${env}`;
          await check('POST', `${url}/rules/${ruleId}/rollout`, payload, await ifMatchHeader(kind, url));
        },
      ),
      runs,
    );
  }, 300_000);

  it('POST …/kill and /restore, per environment and for all', async () => {
    const body = fc.oneof(
      fc.record({ reason: fc.oneof(fc.string(), fc.constantFrom('', '   ', 'incident')) }),
      fc.jsonValue(),
    );
    const action = fc.constantFrom('kill', 'restore');
    await fc.assert(
      fc.asyncProperty(flagKey, fc.option(envKey), action, body, async (flag, env, verb, payload) => {
        const url = env === null ? `${P}/flags/${flag}/${verb}` : `${P}/flags/${flag}/environments/${env}/${verb}`;
        await check('POST', url, payload);
      }),
      runs,
    );
  }, 300_000);

  it('POST …/on and /off', async () => {
    const body = fc.oneof(fc.constant(undefined), fc.record({ reason: fc.string() }), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(
        flagKey,
        envKey,
        fc.constantFrom('on', 'off'),
        body,
        ifMatch,
        async (flag, env, verb, payload, kind) => {
          const url = `${P}/flags/${flag}/environments/${env}`;
          await check('POST', `${url}/${verb}`, payload, kind === 'missing' ? {} : await ifMatchHeader(kind, url));
        },
      ),
      runs,
    );
  }, 300_000);

  it('sequences of clientSide changes, prerequisite PUTs, archive, unarchive, delete and create', async () => {
    // The writes that could break the client-side rule only together, in random orders.
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('clientSide' as const), flag: flagKey, clientSide: fc.boolean() }),
      fc.record({
        kind: fc.constant('prerequisites' as const),
        flag: flagKey,
        env: fc.constantFrom('production', 'staging'),
        parents: fc.subarray(FLAGS, { maxLength: 2 }),
      }),
      fc.record({ kind: fc.constantFrom('archive' as const, 'unarchive' as const), flag: flagKey }),
      // Deleted (archived flags only) and created again under the same key, either way.
      fc.record({ kind: fc.constant('delete' as const), flag: flagKey }),
      fc.record({ kind: fc.constant('create' as const), flag: flagKey, clientSide: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (operations) => {
        for (const op of operations) {
          if (op.kind === 'clientSide') {
            await check('PATCH', `${P}/flags/${op.flag}`, { clientSide: op.clientSide });
          } else if (op.kind === 'prerequisites') {
            const url = `${P}/flags/${op.flag}/environments/${op.env}`;
            const current = await t.app.inject({ method: 'GET', url, headers: t.adminHeaders });
            if (current.statusCode !== 200) continue;
            const { enabled, offVariant, defaultServe, rules } = current.json();
            const prerequisites = op.parents.map((parent) => ({ flagKey: parent, variants: ['on'] }));
            const body = { enabled, offVariant, defaultServe, rules, prerequisites };
            await check('PUT', url, body, { 'if-match': String(current.headers.etag) });
          } else if (op.kind === 'delete') {
            await check('DELETE', `${P}/flags/${op.flag}`, undefined);
          } else if (op.kind === 'create') {
            await check('POST', `${P}/flags`, {
              key: op.flag,
              name: op.flag,
              type: 'boolean',
              clientSide: op.clientSide,
            });
          } else {
            await check('POST', `${P}/flags/${op.flag}/${op.kind}`, undefined);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 300_000);

  it('POST /archive, /unarchive and DELETE', async () => {
    const verb = fc.constantFrom('archive', 'unarchive', 'delete');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FLAGS, 'ghost', 'created-by-fuzz'),
        verb,
        fc.jsonValue(),
        async (flag, action, payload) => {
          if (action === 'delete') await check('DELETE', `${P}/flags/${flag}`, payload);
          else await check('POST', `${P}/flags/${flag}/${action}`, payload);
        },
      ),
      runs,
    );
  }, 300_000);
});
