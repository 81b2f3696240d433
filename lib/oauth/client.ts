import * as client from "openid-client";
import { classifyOAuthError, OAuthError } from "./failure";
import { isLoopbackHttp, type OAuthRegistration, type OidcClientAuthentication, type StaticEndpoints } from "./providers";

/**
 * The requests to a provider, all made by openid-client: the authorization request (PKCE S256,
 * state, nonce), the code exchange, the refresh and the revocation. Every failure is thrown as an
 * OAuthError, classified (lib/oauth/failure).
 *
 * Google and Microsoft are configured from their documented endpoints, with no discovery request;
 * a generic OpenID Connect provider is discovered from its issuer on each call.
 */

export type OAuthFetch = client.CustomFetch;

export interface OAuthRequestOptions {
  /** Makes every request to the provider: tests answer from memory; one could trust a private CA. */
  fetch?: OAuthFetch;
}

export interface AuthorizationRequest {
  /** Where to send the browser. */
  url: string;
  /** Kept by the caller until the callback (a short-lived, HttpOnly cookie), then given to exchangeCode. */
  state: string;
  codeVerifier: string;
  nonce: string;
}

export interface CodeExchange {
  /** The URL the provider redirected the browser to: only its query (code, state, iss) is read. */
  callbackUrl: string | URL;
  /** Exactly as in the authorization request: sent again as redirect_uri, which providers compare. */
  redirectUri: string;
  state: string;
  codeVerifier: string;
  nonce: string;
}

export interface OAuthEmail {
  address: string;
  /** The provider's own `email_verified`: Microsoft's ID tokens lack it, so its addresses read as unverified. */
  verified: boolean;
}

export interface OAuthTokens {
  accessToken: string;
  /** The one to keep: the new one when the provider rotated it, else the one just used. */
  refreshToken: string;
  expiresAt: Date;
  /** Granted scopes, space-separated, when the provider lists them; absent means as requested (RFC 6749 §5.1). */
  scope?: string;
  /**
   * Who signed in (after a code exchange only), from the ID token, else from userinfo. For a shared
   * mailbox this is the colleague who authorized, not the mailbox: the mail login user is chosen
   * by the caller.
   */
  email?: OAuthEmail;
}

/**
 * A token whose lifetime the provider does not state (RFC 6749 §5.1 makes expires_in only
 * RECOMMENDED) is refreshed after an hour, what Google and Microsoft grant.
 */
const ASSUMED_LIFETIME_SECONDS = 3600;

export async function authorizationRequest(
  registration: OAuthRegistration,
  request: { redirectUri: string; loginHint?: string },
  options: OAuthRequestOptions = {},
): Promise<AuthorizationRequest> {
  return classified(async () => {
    const config = await configurationOf(registration, options);
    const { provider } = registration;
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUrl(request.redirectUri).href,
      response_type: "code",
      scope: provider.scopes.join(" "),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      ...provider.authorizationParams,
      ...(request.loginHint ? { login_hint: request.loginHint } : {}),
    });
    return { url: url.href, state, codeVerifier, nonce };
  });
}

/**
 * Trades the callback's code for tokens. A grant without a refresh token is refused as
 * `misconfigured`: the mailbox would stop working within the hour.
 */
export async function exchangeCode(registration: OAuthRegistration, exchange: CodeExchange, options: OAuthRequestOptions = {}): Promise<OAuthTokens> {
  return classified(async () => {
    const config = await configurationOf(registration, options);
    // openid-client takes redirect_uri from the URL it is given; the callback as the app sees it may
    // differ (a proxy in front, another host name), so the provider's answer is read off our own.
    const callback = redirectUrl(exchange.redirectUri);
    callback.search = new URL(exchange.callbackUrl).search;
    const requestedAt = Date.now();
    const response = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: exchange.codeVerifier,
      expectedState: exchange.state,
      expectedNonce: exchange.nonce,
    });
    if (!response.refresh_token) {
      throw new OAuthError({ type: "misconfigured", detail: "the provider issued no refresh token: offline access is not granted to this client" });
    }
    const email = await emailOf(config, response);
    return { ...tokensOf(response, requestedAt, response.refresh_token), ...(email ? { email } : {}) };
  });
}

export async function refreshTokens(registration: OAuthRegistration, refreshToken: string, options: OAuthRequestOptions = {}): Promise<OAuthTokens> {
  return classified(async () => {
    const config = await configurationOf(registration, options);
    const { provider } = registration;
    const requestedAt = Date.now();
    const response = await client.refreshTokenGrant(config, refreshToken, provider.refreshWithScopes ? { scope: provider.scopes.join(" ") } : undefined);
    return tokensOf(response, requestedAt, response.refresh_token ?? refreshToken);
  });
}

/**
 * Ends the grant at the provider, when a mailbox is disconnected. False where the provider has no
 * revocation endpoint (Microsoft). A token the provider no longer knows fails as `revoked`: gone already.
 */
export async function revokeRefreshToken(registration: OAuthRegistration, refreshToken: string, options: OAuthRequestOptions = {}): Promise<boolean> {
  return classified(async () => {
    const config = await configurationOf(registration, options);
    if (!config.serverMetadata().revocation_endpoint) return false;
    await client.tokenRevocation(config, refreshToken, { token_type_hint: "refresh_token" });
    return true;
  });
}

async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof OAuthError ? error : new OAuthError(classifyOAuthError(error), { cause: error });
  }
}

async function configurationOf(registration: OAuthRegistration, options: OAuthRequestOptions): Promise<client.Configuration> {
  const { provider, clientId, clientSecret } = registration;
  switch (provider.id) {
    case "google": {
      const config = new client.Configuration(serverMetadata(provider.endpoints), clientId, undefined, clientAuthentication("client_secret_post", clientSecret));
      if (options.fetch) config[client.customFetch] = options.fetch;
      return config;
    }
    case "microsoft":
      return entraConfiguration(registration, provider.tenant, provider.endpoints, options);
    case "oidc":
      return client.discovery(new URL(provider.issuer), clientId, undefined, clientAuthentication(provider.clientAuthentication, clientSecret), {
        [client.customFetch]: options.fetch,
        execute: isLoopbackHttp(provider.issuer) ? [client.allowInsecureRequests] : [],
      });
  }
}

/**
 * Microsoft's ID tokens name the user's own tenant in `iss`, not the `common` or domain authority
 * they signed in through. openid-client checks such tokens against the tenant id in their `tid`
 * claim only for metadata it discovered at login.microsoftonline.com, so the documented metadata is
 * handed to its discovery from memory: the same check, and still no request to learn endpoints.
 */
function entraConfiguration(registration: OAuthRegistration, tenant: string, endpoints: StaticEndpoints, options: OAuthRequestOptions): Promise<client.Configuration> {
  const authority = new URL(`https://login.microsoftonline.com/${tenant}/v2.0`);
  const discoveryDocument = `${authority.href}/.well-known/openid-configuration`;
  // openid-client's options are fetch's; only TypeScript's Uint8Array generics tell them apart.
  const send: OAuthFetch = options.fetch ?? ((url, init) => fetch(url, init as RequestInit));
  const fetchWithMetadata: OAuthFetch = (url, init) =>
    url === discoveryDocument ? Promise.resolve(Response.json(serverMetadata(endpoints))) : send(url, init);
  return client.discovery(authority, registration.clientId, undefined, clientAuthentication("client_secret_post", registration.clientSecret), {
    [client.customFetch]: fetchWithMetadata,
  });
}

function serverMetadata(endpoints: StaticEndpoints): client.ServerMetadata {
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    revocation_endpoint: endpoints.revocation ?? undefined,
    userinfo_endpoint: endpoints.userinfo ?? undefined,
    code_challenge_methods_supported: ["S256"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}

function clientAuthentication(method: OidcClientAuthentication, clientSecret: string | null): client.ClientAuth {
  if (clientSecret === null || method === "none") return client.None();
  return method === "client_secret_basic" ? client.ClientSecretBasic(clientSecret) : client.ClientSecretPost(clientSecret);
}

/** The redirect URI, parsed once so that both requests send it spelled alike. */
function redirectUrl(redirectUri: string): URL {
  const url = new URL(redirectUri);
  // openid-client drops the query of the URL it derives redirect_uri from: one here would not match.
  if (url.search || url.hash) throw new OAuthError({ type: "misconfigured", detail: `a redirect URI with a query or fragment: ${redirectUri}` });
  return url;
}

function tokensOf(response: client.TokenEndpointResponse, requestedAt: number, refreshToken: string): OAuthTokens {
  return {
    accessToken: response.access_token,
    refreshToken,
    // From when the request left, not when the answer came: the token never outlives what we think.
    expiresAt: new Date(requestedAt + (response.expires_in ?? ASSUMED_LIFETIME_SECONDS) * 1000),
    ...(response.scope !== undefined ? { scope: response.scope } : {}),
  };
}

async function emailOf(config: client.Configuration, response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): Promise<OAuthEmail | undefined> {
  const claims = response.claims();
  const fromIdToken = emailIn(claims);
  if (fromIdToken || !config.serverMetadata().userinfo_endpoint) return fromIdToken;
  try {
    return emailIn(await client.fetchUserInfo(config, response.access_token, claims?.sub ?? client.skipSubjectCheck));
  } catch {
    // The code is spent and the tokens are good: a userinfo endpoint that refuses this token (one
    // meant for the mail servers) costs only the address, which the user can type.
    return undefined;
  }
}

function emailIn(claims: Readonly<Record<string, unknown>> | undefined): OAuthEmail | undefined {
  if (typeof claims?.email !== "string" || !claims.email) return undefined;
  return { address: claims.email, verified: claims.email_verified === true };
}
