/**
 * The official OpenFeature OFREP provider for Node (`@openfeature/ofrep-provider` with
 * `@openfeature/server-sdk`) against a real, listening Switchyard server: what any OpenFeature
 * server SDK with an OFREP provider (Go, Java, Python, .NET, …) does over the same protocol.
 */
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { writeOfrepProject, type OfrepProject } from './support/ofrep-project.js';

let t: TestApp;
let baseUrl: string;
let tokens: OfrepProject;

/** An OpenFeature client (its own domain) whose OFREP provider sends `headers`. */
async function clientWith(domain: string, headers: Record<string, string>): Promise<Client> {
  await OpenFeature.setProviderAndWait(domain, new OFREPProvider({ baseUrl, headers }));
  return OpenFeature.getClient(domain);
}

beforeAll(async () => {
  t = await createTestApp();
  tokens = await writeOfrepProject(t);
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await OpenFeature.close();
  await t?.close();
});

describe('with a server token (Authorization: Bearer)', () => {
  let client: Client;
  beforeAll(async () => {
    client = await clientWith('server', { Authorization: `Bearer ${tokens.server}` });
  });

  it('resolves booleans with reason, variant and the matching rule as flag metadata', async () => {
    const details = await client.getBooleanDetails('banner', false, { targetingKey: 'u-1', country: 'NO' });
    expect(details).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      flagMetadata: { ruleId: 'norway' },
    });
    expect(details.errorCode).toBeUndefined();
    expect(await client.getBooleanValue('banner', true, { targetingKey: 'u-1', country: 'SE' })).toBe(false);
  });

  it('resolves strings, numbers and objects', async () => {
    expect(await client.getStringDetails('color', 'none')).toMatchObject({ value: 'blue', reason: 'STATIC' });
    expect(await client.getNumberValue('limit', 0)).toBe(10);
    expect(await client.getObjectValue('layout', {})).toStrictEqual({ columns: 2 });
  });

  it('sees server-only flags', async () => {
    expect(await client.getBooleanValue('secret-pricing', false)).toBe(true);
  });

  it('an unknown flag: the default with FLAG_NOT_FOUND', async () => {
    const details = await client.getBooleanDetails('no-such-flag', true);
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('a type other than the flag’s: the default with TYPE_MISMATCH', async () => {
    const details = await client.getNumberDetails('banner', 7);
    expect(details).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
  });

  it('a context Switchyard cannot evaluate: the default with INVALID_CONTEXT', async () => {
    const details = await client.getBooleanDetails('banner', true, { targetingKey: 'u-1', user: { country: 'NO' } });
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
  });
});

describe('with a client token (X-API-Key)', () => {
  let client: Client;
  beforeAll(async () => {
    client = await clientWith('client', { 'X-API-Key': tokens.client });
  });

  it('evaluates client-side flags', async () => {
    expect(await client.getBooleanValue('banner', false, { country: 'NO' })).toBe(true);
  });

  it('a server-only flag is FLAG_NOT_FOUND, like a missing one', async () => {
    const hidden = await client.getBooleanDetails('secret-pricing', false);
    const missing = await client.getBooleanDetails('no-such-flag', false);
    expect(hidden).toMatchObject({ value: false, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(hidden.errorMessage?.replace('secret-pricing', 'KEY')).toBe(
      missing.errorMessage?.replace('no-such-flag', 'KEY'),
    );
  });
});

it('a wrong token: the default with an error, never a value', async () => {
  const client = await clientWith('wrong', { Authorization: 'Bearer sy_server_not-a-token' });
  const details = await client.getBooleanDetails('banner', true, { country: 'NO' });
  expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'GENERAL' });
});
