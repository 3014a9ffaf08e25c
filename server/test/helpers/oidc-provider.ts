import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// oidc-provider (panva) ships no types; the tests use a handful of its methods, typed below.
import Provider from 'oidc-provider';

/** A person the test identity provider signs in (the next interaction logs in `provider.account`). */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

/** Changes made to the ID token the provider sends (re-signed with its own key), to test that they are refused. */
export type IdTokenTamper = (claims: Record<string, unknown>) => Record<string, unknown>;

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next interaction signs in. */
  account: TestAccount;
  /** Set to rewrite the next token responses' ID token (null: untouched). */
  tamper: IdTokenTamper | null;
  close(): Promise<void>;
}

interface InteractionDetails {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: { client_id: string };
  grantId?: string;
}
interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: object, options?: object): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => GrantInstance;
}
type ProviderClass = new (issuer: string, configuration: object) => ProviderInstance;

/**
 * A real OpenID Connect provider (oidc-provider) on a random local port, with one confidential
 * client whose redirect URI is `redirectUri`. Its interaction page logs in `account` and grants
 * the requested scopes at once, so a browser (fetch + a cookie jar) goes straight back to the
 * client. Email and groups come from the userinfo endpoint (the ID token holds `sub` and the
 * protocol claims only, as the provider does by default). With `tamper` set, ID tokens in token
 * responses are rewritten and re-signed with the provider's own key: a well-signed token with a
 * wrong audience, issuer or nonce.
 */
export async function startTestIdentityProvider(redirectUri: string): Promise<TestIdentityProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'switchyard-test';
  const clientSecret = 'a-client-secret-for-the-tests-only';

  const idp: TestIdentityProvider = {
    issuer,
    clientId,
    clientSecret,
    account: { sub: 'nobody' },
    tamper: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const accounts = new Map<string, TestAccount>();
  const provider = new (Provider as unknown as ProviderClass)(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ ...account, sub }) };
    },
  });
  const providerCallback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      accounts.set(idp.account.sub, { ...idp.account });
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: idp.account.sub } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    // consent: grant whatever is asked
    const grant = new provider.Grant({ accountId: idp.account.sub, clientId: details.params.client_id });
    grant.addOIDCScope(details.prompt.details.missingOIDCScope?.join(' ') ?? 'openid');
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    if (req.url?.startsWith('/token') && idp.tamper) rewriteIdToken(res, idp.tamper, privateKey, kid);
    providerCallback(req, res);
  };
  return idp;
}

/** Buffers the token response, rewrites its `id_token` with `tamper` and signs it again (RS256, same key). */
function rewriteIdToken(
  res: ServerResponse,
  tamper: IdTokenTamper,
  privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
  kid: string,
): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : typeof chunk === 'string' ? chunk : '';
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return end(chunk);
    }
    if (typeof body['id_token'] === 'string') {
      const [header = '', payload = ''] = body['id_token'].split('.');
      const claims = tamper(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
      const headerJson = { ...(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as object), kid };
      const signingInput = `${b64(headerJson)}.${b64(claims)}`;
      const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url');
      body['id_token'] = `${signingInput}.${signature}`;
    }
    const out = JSON.stringify(body);
    if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
    return end(out);
  }) as typeof res.end;
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
