import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserClient } from '../../sdk-browser/src/index.js';
import { createClient } from '../../sdk-node/src/index.js';
import { startListeningApp, type ListeningApp } from './propagation/support/listening-app.js';

/**
 * Flag and segment keys as Unleash and LaunchDarkly users have them (capitals, dots, `~`, up to
 * 100 characters) round-trip through the admin API (in URLs too), both SDKs and OFREP; keys that
 * cannot be are a clear 400; keys differing only in case are a 409.
 */
const KEYS = [
  // Names of the kind in Unleash's client specification.
  'Feature.A',
  'Feature.B',
  'Feature.C',
  'feature.constraints.in',
  'feature.constraints.not_in',
  'Feature.Variants.A',
  'Feature.flexible.rollout.custom.stickiness_100',
  'F4.contains.inverted',
  'Test.variants.with.payload',
  // LaunchDarkly-style and other shapes.
  'UPPER_case-~x',
  'with.dots~and~tildes',
  'CamelCaseFlag',
  'snake_case_flag',
  'kebab-case-flag',
  'MiXeD.123_abc-~',
  'a',
  '0',
  '...x',
  '.hidden',
  'K'.repeat(100),
];
const P = 'keys';
const ENV = 'prod';

let t: ListeningApp;
let serverToken: string;
let clientToken: string;

/** A request (admin unless `token` says otherwise) with the path as given: status and body. */
async function call(method: string, path: string, body?: unknown, token = t.api.adminToken) {
  const response = await fetch(`${t.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests check responses field by field
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

const flagPath = (key: string) => `/projects/${P}/flags/${encodeURIComponent(key)}`;

beforeAll(async () => {
  t = await startListeningApp();
  await t.api.createProject(P);
  await t.api.createEnvironment(P, ENV);
  for (const key of KEYS) {
    const created = await call('POST', `/projects/${P}/flags`, { key, name: key, type: 'boolean', clientSide: true });
    expect(created.status, `${key}: ${JSON.stringify(created.body)}`).toBe(201);
    expect(created.body!.key).toBe(key);
  }
  serverToken = await t.api.createToken('server', P, ENV);
  clientToken = await t.api.createToken('client', P, ENV);
}, 60_000);
afterAll(async () => t?.close());

describe('wide keys through the admin API', () => {
  it('reads every key back through its URL, encoded or not, and configures it in percent', async () => {
    for (const key of KEYS) {
      const got = await call('GET', flagPath(key));
      expect(got.status, key).toBe(200);
      expect(got.body!.key).toBe(key);
      // Unreserved characters need no encoding: the raw key works as a path segment.
      expect((await call('GET', `/projects/${P}/flags/${key}`)).body!.key, key).toBe(key);
      const configPath = `${flagPath(key)}/environments/${ENV}`;
      const current = await fetch(`${t.baseUrl}/api/v1${configPath}`, {
        headers: { authorization: `Bearer ${t.api.adminToken}` },
      });
      const etag = current.headers.get('etag')!;
      const put = await fetch(`${t.baseUrl}/api/v1${configPath}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${t.api.adminToken}`,
          'content-type': 'application/json',
          'if-match': etag,
        },
        body: JSON.stringify({
          enabled: true,
          offVariant: 'off',
          defaultServe: { variant: 'off' },
          rules: [{ id: 'all', conditions: [], segments: [], rollout: { percent: 100 }, serve: { variant: 'on' } }],
          prerequisites: [],
        }),
      });
      expect(put.status, `${key}: ${await put.clone().text()}`).toBe(200);
    }
  });

  it('GET /flags/My.Flag~1 works with ~ raw and percent-encoded, and keys are case-sensitive', async () => {
    expect((await call('POST', `/projects/${P}/flags`, { key: 'My.Flag~1', name: 'm', type: 'boolean' })).status).toBe(
      201,
    );
    expect((await call('GET', `/projects/${P}/flags/My.Flag~1`)).body!.key).toBe('My.Flag~1');
    expect((await call('GET', `/projects/${P}/flags/My.Flag%7E1`)).body!.key).toBe('My.Flag~1');
    expect((await call('GET', `/projects/${P}/flags/My%2EFlag%7e1`)).body!.key).toBe('My.Flag~1');
    expect((await call('GET', `/projects/${P}/flags/my.flag~1`)).status).toBe(404);
    const audit = await call('GET', `/audit?flag=${encodeURIComponent('My.Flag~1')}`);
    expect(audit.status).toBe(200);
    expect(audit.body!.items[0].target).toEqual({ type: 'flag', key: 'My.Flag~1' });
  });

  it('refuses keys that cannot be, with a 400 naming the problem and nothing written', async () => {
    const cases: [string, RegExp][] = [
      ['K'.repeat(101), /at most 100 characters \(is 101\)/],
      ['has space', /only letters .* \(found " "\)/],
      ['ünicode', /only letters .* \(found "ü"\)/],
      ['a/b', /only letters .* \(found "\/"\)/],
      ['emoji-🚀', /found "🚀"/],
      ['colon:key', /found ":"/],
      ['.', /must not be only dots/],
      ['..', /must not be only dots/],
      ['...', /must not be only dots/],
      ['', /must not be empty/],
    ];
    for (const [key, message] of cases) {
      const flag = await call('POST', `/projects/${P}/flags`, { key, name: 'x', type: 'boolean' });
      expect(flag.status, key).toBe(400);
      expect(flag.body!.message, key).toMatch(/^Invalid request: body\.key: /);
      expect(flag.body!.message, key).toMatch(message);
      const segment = await call('POST', `/projects/${P}/segments`, { key, name: 'x', conditions: [] });
      expect(segment.status, key).toBe(400);
      expect(segment.body!.message, key).toMatch(message);
    }
    const flags = await call('GET', `/projects/${P}/flags?limit=200`);
    expect(flags.body!.items).toHaveLength(KEYS.length + 1);
  });

  it('refuses a key differing only in case from another of the project (409), also when created at once', async () => {
    const twin = await call('POST', `/projects/${P}/flags`, { key: 'feature.a', name: 'x', type: 'boolean' });
    expect(twin.status).toBe(409);
    expect(twin.body).toMatchObject({ error: 'conflict', details: { fields: ['key'], existing: 'Feature.A' } });
    expect(twin.body!.message).toMatch(/'feature\.a' differs only in case from flag 'Feature\.A'/);
    // Another project may have it.
    await t.api.createProject('other');
    expect((await call('POST', '/projects/other/flags', { key: 'feature.a', name: 'x', type: 'boolean' })).status).toBe(
      201,
    );
    // Concurrent creations: exactly one of each pair wins.
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        [`Race.Key${round}`, `race.key${round}`, `RACE.KEY${round}`].map((key) =>
          call('POST', `/projects/${P}/flags`, { key, name: key, type: 'boolean' }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    }
    expect(
      (await call('POST', `/projects/${P}/segments`, { key: 'Beta.Users~1', name: 'b', conditions: [] })).status,
    ).toBe(201);
    const segmentTwin = await call('POST', `/projects/${P}/segments`, {
      key: 'beta.users~1',
      name: 'b',
      conditions: [],
    });
    expect(segmentTwin.status).toBe(409);
    expect(segmentTwin.body!.message).toMatch(/differs only in case from segment 'Beta\.Users~1'/);
    expect((await call('GET', `/projects/${P}/segments/Beta.Users~1`)).status).toBe(200);
  });
});

describe('wide keys through the SDKs and OFREP', () => {
  it('sdk-node evaluates every key', async () => {
    const sdk = createClient({ url: t.baseUrl, sdkKey: serverToken, metrics: false });
    try {
      await sdk.ready();
      for (const key of KEYS) expect(sdk.isEnabled(key, { userId: 'u1' }, false), key).toBe(true);
    } finally {
      await sdk.close();
    }
  });

  it('sdk-browser evaluates every key (client-side flags)', async () => {
    const sdk = createBrowserClient({ url: t.baseUrl, clientKey: clientToken, EventSource, storage: null });
    try {
      await sdk.ready();
      for (const key of KEYS) expect(sdk.isEnabled(key, false), key).toBe(true);
    } finally {
      sdk.close();
    }
  });

  it('usage reports count every key (and report a look-alike as unknown)', async () => {
    const now = Date.now();
    const flags = Object.fromEntries([...KEYS.map((key) => [key, { on: 2 }]), ['feature.A', { on: 1 }]]);
    const report = { start: new Date(now - 120_000).toISOString(), end: new Date(now - 60_000).toISOString(), flags };
    const response = await call('POST', '/sdk/metrics', report, serverToken);
    expect(response).toEqual({ status: 202, body: { accepted: KEYS.length, unknownFlags: ['feature.A'] } });
  });

  it('OFREP evaluates every key, one by one and in bulk', async () => {
    const ofrep = (path: string) =>
      fetch(`${t.baseUrl}/ofrep/v1/evaluate/flags${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serverToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ context: { targetingKey: 'u1' } }),
      });
    for (const key of KEYS) {
      const response = await ofrep(`/${encodeURIComponent(key)}`);
      expect(response.status, key).toBe(200);
      expect(await response.json(), key).toMatchObject({ key, value: true });
    }
    const bulk = (await (await ofrep('')).json()) as { flags: { key: string; value: unknown }[] };
    const values = new Map(bulk.flags.map((flag) => [flag.key, flag.value]));
    for (const key of KEYS) expect(values.get(key), key).toBe(true);
  });
});
