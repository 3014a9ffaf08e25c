import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type * as ClientModule from '../src/index.js';
import type * as OpenFeatureModule from '../src/openfeature.js';
import { booleanFlag, snapshot } from './support/flags.js';

const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url);
const bootstrap = snapshot(1, [booleanFlag('a'), booleanFlag('b', { enabled: false })]);

describe('built artifacts', () => {
  it('the IIFE defines the global Switchyard with a working client, with no module system or Node globals', () => {
    // The page globals the client uses (web platform APIs, none of them Node's).
    const sandbox: Record<string, unknown> = {
      ...{ Promise, Object, JSON, Map, Set, Error, Math, Number, String, Array },
      ...{ queueMicrotask, setTimeout, TextEncoder },
    };
    runInNewContext(readFileSync(dist('switchyard.min.js'), 'utf8'), sandbox);
    const Switchyard = sandbox.Switchyard as typeof ClientModule;
    const client = Switchyard.createBrowserClient({ url: 'http://x', clientKey: 'k', offline: true, bootstrap });
    expect([client.isEnabled('a'), client.isEnabled('b', true)]).toEqual([true, false]);
  });

  it('the OpenFeature entry imports the ESM client next to it and resolves flags', async () => {
    const { SwitchyardWebProvider } = (await import(dist('openfeature.js').href)) as typeof OpenFeatureModule;
    const provider = new SwitchyardWebProvider({
      url: 'http://x',
      clientKey: 'k',
      offline: true,
      bootstrap,
      storage: null,
    });
    await provider.initialize({ targetingKey: 'u' });
    expect(provider.resolveBooleanEvaluation('b', true)).toMatchObject({
      value: false,
      reason: 'DISABLED',
      variant: 'off',
    });
    expect(readFileSync(dist('openfeature.js'), 'utf8')).toMatch(/from"\.\/index\.js"/);
  });

  it('the ESM client does not carry zod', () => {
    const source = readFileSync(dist('index.js'), 'utf8');
    expect(source).not.toMatch(/ZodError|zod/i);
    expect(source).toContain('api/v1/sdk/');
  });
});
