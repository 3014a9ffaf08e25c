import * as client from 'openid-client';
import type { OidcConfig } from '../../../config.js';
import { HttpError } from '../../../http/errors.js';

/** What the callback must check, kept from the start of a sign-in (attempts.ts stores it). */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the provider says about the person once the callback verified (claims of the ID token, completed by userinfo). */
export interface VerifiedIdentity {
  /** The issuer the ID token was verified against (the discovered one). */
  issuer: string;
  subject: string;
  claims: Record<string, unknown>;
}

/**
 * The OpenID Connect relying party, on openid-client: discovery (lazily at the first sign-in, then
 * kept; retried after a failure, so a provider down at start costs nothing but a 503), the
 * authorization URL (code flow, PKCE S256, state, nonce) and the callback (state, issuer,
 * audience, nonce, signature and expiry checked by openid-client; the code exchanged with the
 * PKCE verifier).
 */
export class OidcProvider {
  #configuration: Promise<client.Configuration> | null = null;

  constructor(
    private readonly config: OidcConfig,
    /** Where a failed discovery's cause goes (the caller only sees a 503). */
    private readonly onDiscoveryError: (error: unknown) => void = () => {},
  ) {}

  /** The authorization URL for a new sign-in, and what its callback must check. */
  async begin(): Promise<{ url: URL; checks: SignInChecks }> {
    const configuration = await this.#discovered();
    const checks = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUrl,
      scope: this.config.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
    return { url, checks };
  }

  /**
   * Verifies the provider's answer (`query`: the callback's query string) against `checks`,
   * exchanges the code, verifies the ID token, and completes its claims from the userinfo endpoint
   * when it lacks the email or the groups. Throws an `HttpError`: 401 for an answer that does not
   * verify or a refusal by the provider, 503 when the provider cannot be reached.
   */
  async finish(query: string, checks: SignInChecks): Promise<VerifiedIdentity> {
    const configuration = await this.#discovered();
    const currentUrl = new URL(this.config.redirectUrl);
    currentUrl.search = query;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new HttpError(401, 'The identity provider sent no ID token');
      let claims: Record<string, unknown> = { ...idToken };
      const needsUserInfo = claims['email'] === undefined || claims[this.config.groupsClaim] === undefined;
      if (needsUserInfo && configuration.serverMetadata().userinfo_endpoint !== undefined) {
        const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
        claims = { ...userInfo, ...claims };
      }
      return { issuer: idToken.iss, subject: idToken.sub, claims };
    } catch (error) {
      throw asHttpError(error);
    }
  }

  /** Discovery, once; a failed one is forgotten so the next sign-in tries again. */
  #discovered(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = null;
      this.onDiscoveryError(error);
      // Unreachable, or not the issuer configured: the server's problem, never the person's.
      throw new HttpError(503, "The identity provider's configuration cannot be read; retry shortly");
    });
    return this.#configuration;
  }

  async #discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.config;
    const insecure = new URL(issuer).protocol === 'http:'; // loopback only (config.ts refuses others)
    return client.discovery(
      new URL(issuer),
      clientId,
      clientSecret,
      clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret),
      { ...(insecure ? { execute: [client.allowInsecureRequests] } : {}), timeout: 10 },
    );
  }
}

/**
 * openid-client's errors as answers: the provider unreachable or answering garbage is a 503 (retry
 * later); an error the provider sent back (access_denied, invalid_grant: a used or foreign code)
 * and an answer that does not verify (state, issuer, audience, nonce, signature, expiry) are 401s
 * that say which check failed, never a session.
 */
function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new HttpError(401, `The identity provider refused the sign-in (${error.error}${description})`);
  }
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return new HttpError(503, 'The identity provider answered with something that is not OpenID Connect');
    }
    // The cause (oauth4webapi's) names the check, e.g. 'unexpected JWT "aud" (audience) claim value'.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return new HttpError(401, `The identity provider's answer did not verify: ${error.message}${cause}`);
  }
  // fetch failures (connection refused, DNS, timeout): the provider is down, not the request wrong.
  return new HttpError(503, 'The identity provider cannot be reached; retry shortly');
}
