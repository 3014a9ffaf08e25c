import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSnapshot, evaluate, type CompiledSnapshot, type Snapshot } from '@switchyard/core';
import type { Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUnleash } from '../src/commands/import/unleash.js';
import { ExitCode } from '../src/exit-codes.js';
import { startCliHarness, type CliHarness } from './support/cli.js';
import { clientFeatures, offlineUnleash } from './support/unleash.js';

const fixture = new URL('./fixtures/unleash-export.json', import.meta.url);
const adminExport = JSON.parse(readFileSync(fixture, 'utf8'));
const USERS = 2000;

let h: CliHarness;
let unleash: Unleash;

/** Contexts as an app would send them: some anonymous sessions, some without an account or email. */
function contexts() {
  const countries = ['NO', 'SE', 'DK', 'FR', 'US'];
  const plans = ['free', 'pro', 'beta', 'enterprise'];
  return Array.from({ length: USERS }, (_, i) => {
    const properties: Record<string, string> = {
      country: countries[i % countries.length]!,
      plan: plans[(i >> 1) % plans.length]!,
      appVersion: `${1 + (i % 3)}.${i % 4}.0`,
    };
    if (i % 7 !== 0) properties.accountId = `acct-${i % 613}`;
    if (i % 5 === 1) properties.email = `u${i}@test.example`;
    else if (i % 5 === 2) properties.email = `u${i}@example.com`;
    else if (i % 5 === 3) properties.email = `U${i}@TEST.EXAMPLE`;
    const unleashContext = {
      ...(i % 11 === 0 ? { sessionId: `s-${i}` } : { userId: `user-${i}` }),
      remoteAddress: i % 3 === 0 ? `10.1.${i % 256}.7` : i % 3 === 1 ? '192.168.1.20' : `172.16.0.${i % 256}`,
      properties,
    };
    const { properties: props, ...top } = unleashContext;
    return { unleash: unleashContext, switchyard: { ...top, ...props } };
  });
}

async function snapshotOf(project: string, environment: string): Promise<CompiledSnapshot> {
  const token = await h.server.api.createToken('server', project, environment);
  const { body } = await h.server.api.snapshot(token);
  return compileSnapshot(body as Snapshot);
}

beforeAll(async () => {
  h = await startCliHarness();
  for (const project of ['shop', 'single', 'refused']) {
    await h.server.api.createProject(project);
    await h.server.api.createEnvironment(project, 'prod');
    await h.server.api.createEnvironment(project, 'dev');
  }
  unleash = await offlineUnleash(clientFeatures(adminExport, 'production'));
});
afterAll(async () => {
  unleash?.destroy();
  await h?.close();
});

describe('import unleash', () => {
  it('--dry-run lists what would be created and exits 4', async () => {
    const r = await h.run(importUnleash, [fixture.pathname], {
      project: 'shop',
      env: ['production=prod', 'development=dev'],
      dryRun: true,
    });
    expect(r.code).toBe(ExitCode.differences);
    expect(r.stdout).toContain('+ create flag new-checkout');
    expect(r.stdout).toContain('+ create segment beta-testers');
    expect(r.stderr).toContain('skipped: old-header (archived in Unleash)');
  });

  it('imports the export: every user gets the answer and the variant Unleash gives them', async () => {
    const r = await h.run(importUnleash, [fixture.pathname], {
      project: 'shop',
      env: ['production=prod', 'development=dev'],
      json: true,
    });
    expect(r.code).toBe(0);
    const summary = r.json<{ applied: number; report: { flags: number; segments: number; unsupported: unknown[] } }>();
    expect(summary.report).toMatchObject({ flags: 9, segments: 1, unsupported: [] });
    expect(r.stderr).toContain('note: pricing-page@production: a context without userId gets the first variant');

    const prod = await snapshotOf('shop', 'prod');
    const booleans = [
      'new-checkout',
      'checkout-upsell',
      'beta-banner',
      'search-v2',
      'office-only',
      'legacy-gradual',
      'Search.Autocomplete~v2',
    ];
    const withVariants = ['pricing-page', 'recommendations'];
    const enabledCount: Record<string, number> = {};
    for (const { unleash: u, switchyard: s } of contexts()) {
      for (const flag of booleans) {
        const expected = unleash.isEnabled(flag, u);
        const actual = evaluate(prod, flag, s, false).value;
        expect({ flag, context: s, enabled: actual }).toEqual({ flag, context: s, enabled: expected });
        if (expected) enabledCount[flag] = (enabledCount[flag] ?? 0) + 1;
      }
      for (const flag of withVariants) {
        // pricing-page's variants stick to userId: Unleash picks a random one when it is missing.
        if (flag === 'pricing-page' && !('userId' in u)) continue;
        const expected = unleash.getVariant(flag, u).name;
        const actual = evaluate(prod, flag, s, null).variant;
        expect({ flag, context: s, variant: actual }).toEqual({ flag, context: s, variant: expected });
        if (expected !== 'disabled') enabledCount[flag] = (enabledCount[flag] ?? 0) + 1;
      }
    }
    // The comparison means something: partial rollouts, some users in and some out.
    for (const flag of [
      'new-checkout',
      'checkout-upsell',
      'search-v2',
      'pricing-page',
      'recommendations',
      'Search.Autocomplete~v2',
    ])
      expect(enabledCount[flag]).toBeGreaterThan(20);
    expect(enabledCount['legacy-gradual']).toBeUndefined(); // disabled in production
    // Payloads came along as values.
    const variant = evaluate(prod, 'recommendations', { userId: 'user-1', appVersion: '2.0.0' }, null);
    expect([{ model: 'cf', k: 20 }, { model: 'content', k: 10 }, null]).toContainEqual(variant.value);
  });

  it('importing again changes nothing (idempotent)', async () => {
    const r = await h.run(importUnleash, [fixture.pathname], {
      project: 'shop',
      env: ['production=prod', 'development=dev'],
      dryRun: true,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes');
  });

  it('keeps the groupId as the salt, so custom-salted rollouts keep their buckets', async () => {
    const flag = await h.server.api.request<{ salt: string | null }>('GET', '/projects/shop/flags/search-v2');
    expect(flag.salt).toBe('search-backend-2023');
  });

  it('a client API export (one environment, named with --env) imports the same flags', async () => {
    const path = join(h.cwd, 'client-features.json');
    writeFileSync(path, JSON.stringify(clientFeatures(adminExport, 'production')));
    const r = await h.run(importUnleash, [path], { project: 'single', env: ['prod'] });
    expect(r.stderr).not.toMatch(/not converted/);
    expect(r.code).toBe(0);
    const single = await snapshotOf('single', 'prod');
    for (const { unleash: u, switchyard: s } of contexts().slice(0, 500)) {
      expect(evaluate(single, 'search-v2', s, false).value).toBe(unleash.isEnabled('search-v2', u));
      if ('userId' in u)
        expect(evaluate(single, 'pricing-page', s, null).variant).toBe(unleash.getVariant('pricing-page', u).name);
    }
  });
});

describe('import unleash refuses what it cannot convert exactly, and writes nothing', () => {
  it('reports each unsupported item with the reason; nothing is imported', async () => {
    const bad = structuredClone(adminExport);
    bad.featureStrategies.push(
      {
        name: 'gradualRolloutRandom',
        featureName: 'new-checkout',
        environment: 'production',
        parameters: { percentage: '50' },
        constraints: [],
        sortOrder: 2,
      },
      {
        name: 'my-custom-strategy',
        featureName: 'office-only',
        environment: 'production',
        parameters: {},
        constraints: [],
        sortOrder: 3,
      },
      {
        name: 'default',
        featureName: 'beta-banner',
        environment: 'production',
        parameters: {},
        sortOrder: 4,
        constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2024-01-01T00:00:00.000Z' }],
      },
      {
        name: 'flexibleRollout',
        featureName: 'checkout-upsell',
        environment: 'production',
        sortOrder: 5,
        constraints: [],
        parameters: { groupId: 'another-group', rollout: '10', stickiness: 'userId' },
      },
    );
    const path = join(h.cwd, 'unsupported.json');
    writeFileSync(path, JSON.stringify(bad));
    const r = await h.run(importUnleash, [path], {
      project: 'refused',
      env: ['production=prod', 'development=dev'],
      json: true,
    });
    expect(r.code).toBe(ExitCode.usage);
    const { report } = r.json<{ report: { unsupported: { feature: string; why: string }[] } }>();
    const reasons = report.unsupported.map((u) => `${u.feature}: ${u.why}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^new-checkout: strategy 2 \(gradualRolloutRandom\): .*never random/),
        expect.stringMatching(/^office-only: strategy 2 \(my-custom-strategy\): custom strategy/),
        expect.stringMatching(/^beta-banner: strategy 3 \(default\): DATE_AFTER on currentTime/),
        expect.stringMatching(/^checkout-upsell: .*different groupIds/),
      ]),
    );
    expect(r.stderr).toContain('nothing was imported');
    const flags = await h.server.api.request<{ items: unknown[] }>('GET', '/projects/refused/flags');
    const segments = await h.server.api.request<{ items: unknown[] }>('GET', '/projects/refused/segments');
    expect([flags.items, segments.items]).toEqual([[], []]);
  });

  it('--skip-unsupported imports the flags that convert, leaving the others out whole', async () => {
    const bad = structuredClone(adminExport);
    bad.featureStrategies.push({
      name: 'my-custom-strategy',
      featureName: 'office-only',
      environment: 'production',
      parameters: {},
      constraints: [],
      sortOrder: 3,
    });
    const path = join(h.cwd, 'partly.json');
    writeFileSync(path, JSON.stringify(bad));
    const r = await h.run(importUnleash, [path], {
      project: 'refused',
      env: ['production=prod', 'development=dev'],
      skipUnsupported: true,
    });
    expect(r.code).toBe(0);
    const flags = await h.server.api.request<{ items: { key: string }[] }>('GET', '/projects/refused/flags');
    expect(flags.items.map((f) => f.key)).not.toContain('office-only');
    expect(flags.items).toHaveLength(8);
  });

  it('an export that is not one is a usage error naming the file', async () => {
    const path = join(h.cwd, 'not-unleash.json');
    writeFileSync(path, JSON.stringify({ flags: [] }));
    const r = await h.run(importUnleash, [path], { project: 'refused' });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/not-unleash\.json is not an Unleash feature export/);
  });
});

describe('import unleash checks keys before writing', () => {
  it('two names that differ only in case are refused (the server keeps keys unique ignoring case)', async () => {
    const twins = structuredClone(adminExport);
    twins.features.push({ ...twins.features[0], name: 'New-Checkout' });
    const path = join(h.cwd, 'twins.json');
    writeFileSync(path, JSON.stringify(twins));
    const r = await h.run(importUnleash, [path], { project: 'refused', env: ['production=prod', 'development=dev'] });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/not converted: flag New-Checkout: differs from new-checkout only in case/);
  });

  it('a name that is not a valid key is reported', async () => {
    const bad = structuredClone(adminExport);
    bad.features.push({ ...bad.features[0], name: 'has space' });
    const path = join(h.cwd, 'bad-key.json');
    writeFileSync(path, JSON.stringify(bad));
    const r = await h.run(importUnleash, [path], { project: 'refused', env: ['production=prod', 'development=dev'] });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/not converted: flag has space: the name is not a valid Switchyard flag key/);
  });
});
