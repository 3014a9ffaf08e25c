import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../http/errors.js';
import { OidcProvider } from './provider.js';

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('OidcProvider', () => {
  it('answers 503 (retry later) when the provider cannot be reached, and tries discovery again next time', async () => {
    const causes: unknown[] = [];
    const provider = new OidcProvider(
      {
        issuer: `http://127.0.0.1:${await closedPort()}`,
        clientId: 'switchyard',
        clientSecret: undefined,
        redirectUrl: 'http://127.0.0.1/api/v1/sign-in/oidc/callback',
        scopes: ['openid'],
        groupsClaim: 'groups',
        roleMap: [],
        allowedEmailDomains: [],
        name: 'SSO',
      },
      (error) => causes.push(error),
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await provider.begin().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).statusCode).toBe(503);
    }
    expect(causes).toHaveLength(2); // not cached: each sign-in tried discovery
  });
});
