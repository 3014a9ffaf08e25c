import { serializerCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { configSerializer } from './config-serializer.js';
import { killResponse, replaceConfigRequest, turnOnResponse } from './openapi-examples.js';
import { configResponseSchema } from './schemas.js';

/** The zod serializer every other route uses: the reference. */
const zod = serializerCompiler({ schema: configResponseSchema, method: 'POST', url: '/test' });

/** A configuration with more to check than the examples: a split, prerequisites, several conditions. */
const rich = {
  ...turnOnResponse,
  defaultServe: {
    split: [
      { variant: 'on', percent: 12.5 },
      { variant: 'off', percent: 87.5 },
    ],
    stickiness: 'userId',
  },
  rules: [
    ...turnOnResponse.rules,
    {
      id: 'eu',
      conditions: [
        { attribute: 'country', operator: 'in', values: ['DE', 'FR'] },
        { attribute: 'age', operator: 'num_gte', values: [18], negate: false },
      ],
      segments: [],
      serve: { variant: 'on' },
    },
  ],
  prerequisites: [{ flagKey: 'payments', variants: ['on'] }],
};

describe('configSerializer', () => {
  it.each([
    ['an example', turnOnResponse],
    ['a killed one', killResponse],
    ['a rich one', rich],
  ])('answers what the zod serializer answers, checked or remembered (%s)', (_name, config) => {
    const remembered = new Set<string>();
    const serialize = configSerializer(zod, remembered);
    const expected = JSON.parse(zod(config));
    expect(JSON.parse(serialize(config as never))).toEqual(expected);
    expect(remembered.size).toBe(1);
    // Remembered: the same nested content again, with other top-level fields (a toggle).
    const toggled = { ...config, enabled: !config.enabled, version: config.version + 1 };
    expect(JSON.parse(serialize(toggled as never))).toEqual(JSON.parse(zod(toggled)));
    expect(remembered.size).toBe(1);
  });

  it('keeps the schema order of the fields, like the zod serializer', () => {
    const serialize = configSerializer(zod);
    expect(Object.keys(JSON.parse(serialize(rich as never)))).toEqual(Object.keys(JSON.parse(zod(rich))));
  });

  it('leaves to zod what zod would change (an unknown nested key is stripped) and does not remember it', () => {
    const remembered = new Set<string>();
    const serialize = configSerializer(zod, remembered);
    const extra = { ...rich, rules: [{ ...rich.rules[0]!, internal: 'secret' }, rich.rules[1]!] };
    const text = serialize(extra as never);
    expect(text).not.toContain('secret');
    expect(text).toBe(zod(extra));
    expect(remembered.size).toBe(0);
  });

  it('refuses like zod what zod refuses, nested or top-level, also once the nested part is remembered', () => {
    const serialize = configSerializer(zod);
    const badRule = { ...rich, rules: [{ ...rich.rules[0]!, serve: 'on' }] };
    expect(() => zod(badRule)).toThrow();
    expect(() => serialize(badRule as never)).toThrow();
    serialize(rich as never); // remembered now
    expect(() => serialize({ ...rich, version: 1.5 } as never)).toThrow();
    expect(() => serialize({ ...rich, killReason: 3 } as never)).toThrow();
  });
});

describe('the on/off routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
    expect((await t.api('POST', '/projects/shop/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
    expect(
      (await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' })).status,
    ).toBe(201);
  });
  afterAll(async () => t?.close());

  it('answer the configuration exactly as GET (the zod serializer) does', async () => {
    const path = '/projects/shop/flags/checkout/environments/prod';
    const current = await t.api('GET', path);
    const put = await t.api('PUT', path, replaceConfigRequest, { 'if-match': current.headers.etag as string });
    expect(put.status).toBe(200);
    for (const action of ['off', 'on', 'off']) {
      const toggled = await t.api('POST', `${path}/${action}`, {});
      expect(toggled.status).toBe(200);
      expect(toggled.body).toMatchObject({ enabled: action === 'on', rules: [{ id: 'beta-users' }] });
      expect(toggled.body).toEqual((await t.api('GET', path)).body);
    }
  });
});
