// The consumers scripts/check-packages.mjs installs the packed SDKs into: a bootstrap snapshot, the
// scripts that run each SDK from Node, and the TypeScript files that are type-checked against them.

const flag = (key, rules, segments = []) => ({
  key,
  type: 'boolean',
  enabled: true,
  variants: [
    { key: 'on', value: true },
    { key: 'off', value: false },
  ],
  offVariant: 'off',
  defaultServe: { variant: rules.length ? 'off' : 'on' },
  rules: rules.map((conditions, i) => ({ id: `r${i}`, conditions, segments, serve: { variant: 'on' } })),
  prerequisites: [],
  version: 1,
});
const regex = (pattern) => ({ attribute: 'email', operator: 'regex', values: [pattern] });

/**
 * `static-on` is on for everyone; `by-email` needs a safe pattern (kept only when recheck loads and
 * proves it safe: unchecked patterns are refused); `by-segment`'s pattern is catastrophic, so
 * sdk-node drops it with a warning; `by-version` uses a semver operator, which the browser client
 * loads on demand from a file of its own (dist/operators-extra.js, in the package next to index.js).
 */
export const bootstrapSnapshot = {
  schemaVersion: 1,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 1,
  flags: [
    flag('static-on', []),
    flag('by-email', [[regex('@corp\\.test$')]]),
    flag('by-segment', [[]], ['slow']),
    flag('by-version', [[{ attribute: 'version', operator: 'semver_gte', values: ['2.0.0'] }]]),
  ],
  segments: [{ key: 'slow', conditions: [regex('(a|aa)+$')] }],
};

/** Shared body of the sdk-node checks (ESM and CommonJS): `createClient` and `bootstrap` are in scope. */
const sdkNodeBody = `
const warnings = [];
const client = createClient({ sdkKey: 'sy_server_offline', bootstrap, logger: { warn: (m) => warnings.push(m) } });
const seen = {
  staticOn: client.isEnabled('static-on'),
  corp: client.isEnabled('by-email', { email: 'ann@corp.test' }),
  other: client.isEnabled('by-email', { email: 'ann@other.test' }),
};
client.close().then(() => {
  if (!seen.staticOn || !seen.corp || seen.other) throw new Error('unexpected evaluations: ' + JSON.stringify(seen));
  if (!warnings.some((w) => w.includes('(a|aa)+$'))) throw new Error('the catastrophic pattern was not refused: ' + JSON.stringify(warnings));
  console.log('ok, ' + JSON.stringify(seen) + ', refused pattern warned');
});
`;

export const runtimeChecks = [
  {
    what: 'sdk-node ESM import',
    consumer: 'node',
    file: 'check-esm.mjs',
    source: `import { createClient } from '@switchyard/sdk-node';
import { fileURLToPath } from 'node:url';
const bootstrap = fileURLToPath(new URL('./bootstrap.json', import.meta.url));
${sdkNodeBody}`,
  },
  {
    what: 'sdk-node CommonJS require',
    consumer: 'node',
    file: 'check-cjs.cjs',
    source: `const { createClient } = require('@switchyard/sdk-node');
const { Backoff } = require('@switchyard/core/sync');
if (typeof Backoff !== 'function') throw new Error('require("@switchyard/core/sync") has no Backoff');
const bootstrap = require('node:path').join(__dirname, 'bootstrap.json');
${sdkNodeBody}`,
  },
  {
    what: 'sdk-browser ESM import in Node',
    consumer: 'browser',
    file: 'check-browser.mjs',
    source: `import { createBrowserClient } from '@switchyard/sdk-browser';
import { browserMetrics } from '@switchyard/sdk-browser/metrics';
import { readFileSync } from 'node:fs';
if (typeof browserMetrics() !== 'function') throw new Error('@switchyard/sdk-browser/metrics has no browserMetrics');
const bootstrap = JSON.parse(readFileSync(new URL('./bootstrap.json', import.meta.url), 'utf8'));
const client = createBrowserClient({ clientKey: 'sy_client_offline', offline: true, bootstrap, context: { email: 'ann@corp.test', version: '2.1.0' } });
await client.ready();
const seen = { staticOn: client.isEnabled('static-on'), corp: client.isEnabled('by-email'), semver: client.isEnabled('by-version'), unknown: client.isEnabled('nope') };
client.close();
if (!seen.staticOn || !seen.corp || !seen.semver || seen.unknown) throw new Error('unexpected evaluations: ' + JSON.stringify(seen));
console.log('ok, ' + JSON.stringify(seen));
`,
  },
];

// Each consumer has one line that must not compile: were the package's types missing or `any`, the
// @ts-expect-error would be unused, which is an error.
export const nodeConsumerTs = `import { createClient, type SwitchyardClient } from '@switchyard/sdk-node';
import type { Snapshot } from '@switchyard/core';
import { Backoff, RECONNECT_BACKOFF } from '@switchyard/core/sync';

const snapshot: Snapshot = { schemaVersion: 1, projectKey: 'p', environmentKey: 'e', revision: 1, flags: [], segments: [] };
const client: SwitchyardClient = createClient({ sdkKey: 'sy_server_x', bootstrap: snapshot });
export const on: boolean = client.isEnabled('flag', { userId: 'u' });
// @ts-expect-error isEnabled answers a boolean
export const wrong: string = client.isEnabled('flag');
export const backoff = new Backoff(RECONNECT_BACKOFF);
`;

export const nodeConsumerCts = `import sdk = require('@switchyard/sdk-node');
import core = require('@switchyard/core');

const client = sdk.createClient({ sdkKey: 'sy_server_x' });
const on: boolean = client.isEnabled('flag');
// @ts-expect-error isEnabled answers a boolean
const wrong: string = client.isEnabled('flag');
export = { on, wrong, schemaVersion: core.SCHEMA_VERSION };
`;

export const browserConsumerTs = `import { createBrowserClient, type Bootstrap } from '@switchyard/sdk-browser';
import { browserMetrics } from '@switchyard/sdk-browser/metrics';

const bootstrap: Bootstrap = { 'new-checkout': true };
const client = createBrowserClient({ clientKey: 'sy_client_x', offline: true, bootstrap, usage: { maxKeys: 10 }, metrics: browserMetrics({ maxKeys: 10 }) });
// @ts-expect-error the usage send period is a number of ms
createBrowserClient({ clientKey: 'sy_client_x', offline: true, usage: { flushIntervalMs: '1 min' } });
export const on: boolean = client.isEnabled('new-checkout');
// @ts-expect-error isEnabled answers a boolean
export const wrong: string = client.isEnabled('new-checkout');
`;
