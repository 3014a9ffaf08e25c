import { path, request } from './client';

export type TokenKind = 'admin' | 'server' | 'client';

/** An API token as listed: never its secret. */
export interface Token {
  id: string;
  name: string;
  kind: TokenKind;
  /** The first characters of the secret, to recognise it. */
  prefix: string;
  project: string | null;
  environment: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The answer to a creation: the only time the secret is shown. */
export interface CreatedToken extends Token {
  secret: string;
}

export interface NewToken {
  name: string;
  kind: TokenKind;
  project?: string;
  environment?: string;
}

export async function listTokens(includeRevoked: boolean): Promise<Token[]> {
  return (await request<{ tokens: Token[] }>('GET', `/tokens?includeRevoked=${includeRevoked}`)).data.tokens;
}

export async function createToken(token: NewToken): Promise<CreatedToken> {
  return (await request<CreatedToken>('POST', '/tokens', { body: token })).data;
}

export async function revokeToken(id: string): Promise<void> {
  await request<null>('DELETE', path`/tokens/${id}`);
}
