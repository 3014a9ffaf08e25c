import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Condition, Flag, Snapshot } from '@switchyard/core';
import { createClient } from '../src/index.js';

// A snapshot that did not come from the server (a bootstrap, a cache file) may hold patterns an
// older server accepted or someone wrote by hand; `^(\w|\d)+$` took isEnabled 16.8 s on a
// 32-character email. The client checks such snapshots like the server's write path does.

const regex = (values: string[]): Condition => ({ attribute: 'email', operator: 'regex', values });
const flag = (key: string, conditions: Condition[], segments: string[] = []): Flag => ({
  key,
  type: 'boolean',
  enabled: true,
  variants: [
    { key: 'on', value: true },
    { key: 'off', value: false },
  ],
  offVariant: 'off',
  defaultServe: { variant: 'off' },
  rules: [{ id: 'r1', conditions, segments, serve: { variant: 'on' } }],
  prerequisites: [],
  version: 1,
});
const snapshot: Snapshot = {
  schemaVersion: 1,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 7,
  flags: [flag('by-email', [regex(['^(\\w|\\d)+$', '@corp\\.test$'])]), flag('by-segment', [], ['slow'])],
  segments: [{ key: 'slow', conditions: [regex(['(a|aa)+$'])] }],
};

const dir = mkdtempSync(join(tmpdir(), 'switchyard-regex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => warnings.push(message) } };
}

/** The patterns of every regex condition the client holds, by flag or segment. */
function heldPatterns(held: Snapshot | undefined) {
  return {
    flags: held?.flags.map((f) => f.rules.flatMap((rule) => rule.conditions.flatMap((c) => c.values))),
    segments: held?.segments.map((s) => s.conditions.flatMap((c) => c.values)),
  };
}

describe('regex patterns in local snapshots', () => {
  it('drops, with a warning, the patterns the server would refuse from a bootstrap object', async () => {
    const { warnings, logger } = recordingLogger();
    const client = createClient({ sdkKey: 'sy_server_offline', bootstrap: snapshot, logger });
    expect(heldPatterns(client.snapshot)).toEqual({ flags: [['@corp\\.test$'], []], segments: [[]] });
    expect(warnings.join('\n')).toMatch(/"\^\(\\\\w\|\\\\d\)\+\$" of flag by-email .*exponential/);
    expect(warnings.join('\n')).toMatch(/"\(a\|aa\)\+\$" of segment slow/);
    expect(client.isEnabled('by-email', { email: 'ann@corp.test' })).toBe(true);
    expect(client.isEnabled('by-email', { email: 'a'.repeat(31) + '@' })).toBe(false);
    expect(client.isEnabled('by-segment', { email: 'a'.repeat(31) + '!' })).toBe(false);
    await client.close();
  });

  it('checks a bootstrap file and a cache file the same way', async () => {
    const bootstrapFile = join(dir, 'bootstrap.json');
    writeFileSync(bootstrapFile, JSON.stringify(snapshot));
    const fromFile = createClient({ sdkKey: 'sy_server_offline', bootstrap: bootstrapFile });
    expect(heldPatterns(fromFile.snapshot).flags).toEqual([['@corp\\.test$'], []]);
    await fromFile.close();

    const cacheFile = join(dir, 'cache.json');
    writeFileSync(cacheFile, JSON.stringify({ ...snapshot, revision: 9 }));
    const { warnings, logger } = recordingLogger();
    const cached = createClient({ sdkKey: 'sy_server_offline', cacheFile, logger });
    await cached.ready();
    expect(cached.snapshot?.revision).toBe(9);
    expect(heldPatterns(cached.snapshot)).toEqual({ flags: [['@corp\\.test$'], []], segments: [[]] });
    expect(warnings.join('\n')).toMatch(/cache file/);
    await cached.close();
  });
});
