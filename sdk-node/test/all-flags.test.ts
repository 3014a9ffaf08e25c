import { describe, expect, it } from 'vitest';
import type { Flag, Snapshot } from '@switchyard/core';
import { createClient } from '../src/index.js';

const flag = (key: string, clientSide: boolean, on: boolean): Flag => ({
  key,
  type: 'boolean',
  clientSide,
  enabled: true,
  variants: [
    { key: 'on', value: true },
    { key: 'off', value: false },
  ],
  offVariant: 'off',
  defaultServe: { variant: on ? 'on' : 'off' },
  rules: [],
  prerequisites: [],
  version: 1,
});

const snapshot: Snapshot = {
  schemaVersion: 1,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 3,
  flags: [flag('public-banner', true, true), flag('internal-pricing', false, true), flag('new-cart', true, false)],
  segments: [],
};

describe('allFlags', () => {
  it('gives every flag by default, and only client-side flags with clientSideOnly (for browser bootstraps)', async () => {
    const client = createClient({ sdkKey: 'sy_server_offline', bootstrap: snapshot });
    await client.ready();
    expect(client.allFlags({ userId: 'u' })).toEqual({
      'public-banner': true,
      'internal-pricing': true,
      'new-cart': false,
    });
    expect(client.allFlags({ userId: 'u' }, { clientSideOnly: true })).toEqual({
      'public-banner': true,
      'new-cart': false,
    });
    await client.close();
  });
});
