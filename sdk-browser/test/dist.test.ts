import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type * as ClientModule from '../src/index.js';
import type * as MetricsModule from '../src/metrics.js';
import type * as OpenFeatureModule from '../src/openfeature.js';
import type * as ScriptTagModule from '../src/script-tag.js';
import { booleanFlag, snapshot } from './support/flags.js';
import { fastClientOptions } from './support/options.js';
import { ProtocolServer } from './support/sse-server.js';
import { waitFor } from './support/wait.js';

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
    const Switchyard = sandbox.Switchyard as typeof ScriptTagModule;
    const client = Switchyard.createBrowserClient({ url: 'http://x', clientKey: 'k', offline: true, bootstrap });
    expect([client.isEnabled('a'), client.isEnabled('b', true)]).toEqual([true, false]);
    // The <script> build carries the metrics module too (one file to load).
    expect(typeof Switchyard.browserMetrics()).toBe('function');
  });

  it('the built client reports usage, and the metrics module, a bundle of its own, the events it tracked', async () => {
    const server = new ProtocolServer(bootstrap, 'sy_client_dist');
    await server.start();
    try {
      const { createBrowserClient } = (await import(dist('index.js').href)) as typeof ClientModule;
      const { browserMetrics } = (await import(dist('metrics.js').href)) as typeof MetricsModule;
      const client = createBrowserClient({
        ...fastClientOptions(server.url, 'sy_client_dist'),
        metrics: browserMetrics(),
      });
      await client.ready();
      client.isEnabled('a');
      client.track('done', undefined, 2);
      client.close();
      await waitFor(() => server.reports.length == 2, 'the metrics and events reports');
      const body = (path: string) => server.reports.find((report) => report.path == `/api/v1/sdk/${path}`)?.body;
      expect(body('metrics')?.flags).toEqual({ a: { on: 1 } });
      expect(body('events')?.events).toEqual({ a: { on: { done: { count: 1, sum: 2, sumSquares: 4 } } } });
    } finally {
      await server.close();
    }
    // Self-contained: it imports nothing (not even the client), so it adds only its own bytes.
    expect(readFileSync(dist('metrics.js'), 'utf8')).not.toMatch(/\bimport\b|zod/);
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
