import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * Rollouts in the public API are percent (0..100, two decimals); SDKs, snapshots and stored rows
 * keep basis points; bodies with the old basis-point fields are refused saying what changed.
 */
let t: TestApp;
let serverToken: string;
const url = '/projects/pct/flags/color/environments/prod';

const rule = (id: string, extra: object = {}) => ({
  id,
  conditions: [],
  segments: [],
  serve: { variant: 'red' },
  ...extra,
});

async function put(patch: Record<string, unknown>) {
  const current = await t.api('GET', url);
  return t.api('PUT', url, { ...current.body, ...patch }, { 'if-match': String(current.headers.etag) });
}

async function sdkSnapshot() {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/v1/sdk/snapshot',
    headers: { authorization: `Bearer ${serverToken}` },
  });
  return response.json() as { flags: { key: string; defaultServe: unknown; rules: unknown[] }[] };
}

beforeAll(async () => {
  t = await createTestApp();
  await t.api('POST', '/projects', { key: 'pct', name: 'Percent' });
  await t.api('POST', '/projects/pct/environments', { key: 'prod', name: 'Prod' });
  const variants = ['red', 'green', 'blue'].map((key) => ({ key, value: key }));
  await t.api('POST', '/projects/pct/flags', { key: 'color', name: 'Color', type: 'string', variants });
  const token = await t.api('POST', '/tokens', { name: 'sdk', kind: 'server', project: 'pct', environment: 'prod' });
  serverToken = token.body.secret;
});
afterAll(async () => t?.close());

describe('rollouts in percent', () => {
  it('writes and reads percent; stores and serves SDKs basis points, exactly', async () => {
    const response = await put({
      enabled: true,
      defaultServe: {
        split: [
          { variant: 'red', percent: 33.33 },
          { variant: 'green', percent: 33.33 },
          { variant: 'blue', percent: 33.34 },
        ],
        stickiness: 'accountId',
      },
      rules: [
        rule('tiny', { rollout: { percent: 0.29, stickiness: 'userId' } }),
        rule('half', { rollout: { percent: 50 } }),
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.defaultServe.split.map((share: { percent: number }) => share.percent)).toEqual([
      33.33, 33.33, 33.34,
    ]);
    expect(response.body.rules.map((r: { rollout: unknown }) => r.rollout)).toEqual([
      { percent: 0.29, stickiness: 'userId' },
      { percent: 50 },
    ]);
    expect((await t.api('GET', url)).body).toEqual(response.body);

    const stored = await t.db.prisma.flagConfig.findFirstOrThrow({ where: { flag: { key: 'color' } } });
    expect(stored.rules).toMatchObject([{ rollout: { percentage: 29 } }, { rollout: { percentage: 5000 } }]);
    const flag = (await sdkSnapshot()).flags.find((entry) => entry.key === 'color')!;
    expect(flag.defaultServe).toEqual({
      split: [
        { variant: 'red', weight: 3333 },
        { variant: 'green', weight: 3333 },
        { variant: 'blue', weight: 3334 },
      ],
      stickiness: 'accountId',
    });
    expect(flag.rules).toMatchObject([{ rollout: { percentage: 29 } }, { rollout: { percentage: 5000 } }]);
  });

  it('sets one rule through the shortcut in percent', async () => {
    const response = await t.api('POST', `${url}/rules/half/rollout`, { percent: 12.34 });
    expect(response.status).toBe(200);
    expect(response.body.rules[1].rollout).toEqual({ percent: 12.34 });
    // Snapshots follow the write once it is announced (right after the response).
    const served = async () => (await sdkSnapshot()).flags.find((entry) => entry.key === 'color')!.rules[1];
    await expect.poll(served).toMatchObject({ rollout: { percentage: 1234 } });
  });

  it('refuses more than two decimals, out of range and splits not summing to 100 (nothing written)', async () => {
    const before = (await t.api('GET', url)).body.version;
    const cases: [Record<string, unknown>, string][] = [
      [{ rules: [rule('r', { rollout: { percent: 12.345 } })] }, 'body.rules.0.rollout.percent'],
      [{ rules: [rule('r', { rollout: { percent: 100.5 } })] }, 'body.rules.0.rollout.percent'],
      [
        {
          defaultServe: {
            split: [
              { variant: 'red', percent: 50 },
              { variant: 'blue', percent: 49.99 },
            ],
          },
        },
        'body.defaultServe.split',
      ],
    ];
    for (const [patch, path] of cases) {
      const response = await put(patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
      expect(response.body.message).toContain(path);
    }
    const sum = await put({
      defaultServe: {
        split: [
          { variant: 'red', percent: 60 },
          { variant: 'blue', percent: 39 },
        ],
      },
    });
    expect(sum.body.details.issues.map((issue: { message: string }) => issue.message)).toContain(
      'split percents sum to 99, not 100',
    );
    expect((await t.api('GET', url)).body.version).toBe(before);
  });

  it('refuses the old basis-point fields with a 400 saying what changed', async () => {
    const before = (await t.api('GET', url)).body.version;
    const legacyRule = await put({ rules: [rule('r', { rollout: { percentage: 2550 } })] });
    expect(legacyRule.status).toBe(400);
    expect(legacyRule.body.error).toBe('bad_request');
    expect(legacyRule.body.message).toBe(
      'Invalid request: body.rules.0.rollout.percentage: rollouts are in percent now: ' +
        'send percent: 25.5 instead of percentage: 2550',
    );
    const legacySplit = await put({
      defaultServe: {
        split: [
          { variant: 'red', weight: 5000 },
          { variant: 'blue', weight: 5000 },
        ],
      },
    });
    expect(legacySplit.status).toBe(400);
    expect(legacySplit.body.message).toContain('send percent: 50 instead of weight: 5000');
    expect(legacySplit.body.details.issues).toHaveLength(2);
    const shortcut = await t.api('POST', `${url}/rules/half/rollout`, { percentage: 2500 });
    expect(shortcut.status).toBe(400);
    expect(shortcut.body.message).toBe(
      'Invalid request: body.percentage: rollouts are in percent now: send percent: 25 instead of percentage: 2500',
    );
    const nonsense = await t.api('POST', `${url}/rules/half/rollout`, { percentage: 'lots' });
    expect(nonsense.body.message).toContain('send percent: <0..100> instead of percentage: "lots"');
    expect((await t.api('GET', url)).body.version).toBe(before);
  });

  it('shows audit before/after in percent (recorded as stored)', async () => {
    const page = await t.api('GET', '/audit?project=pct&action=flag_config.rollout_changed');
    const event = page.body.items[0];
    expect(event.before.rules[1].rollout).toEqual({ percent: 50 });
    expect(event.after.rules[1].rollout).toEqual({ percent: 12.34 });
    expect(event.after.defaultServe.split[2]).toEqual({ variant: 'blue', percent: 33.34 });
  });
});
