import crypto from "node:crypto";
import http from "node:http";
import type net from "node:net";
import { promisify } from "node:util";
import type { Adapter, AdapterPayload, ClientMetadata, Configuration, JWK } from "oidc-provider";
import { LOOPBACK } from "./daemons";

/**
 * A real OAuth 2.0 / OpenID Connect authorization server for the tests: oidc-provider (an OpenID
 * Certified implementation) over plain HTTP on a free loopback port. It signs in any login name through its development
 * login and consent pages (a browser can drive them; `authorizeHeadless` does so by plain HTTP), and
 * answers RFC 7662 introspection so that the test Dovecot and SMTP sink can check the access tokens
 * Postdesk presents, as Gmail and Microsoft 365 check theirs.
 */

export interface OAuthProviderOptions {
  /**
   * Where Postdesk's client may be sent back after sign-in (matched exactly, RFC 6749 3.1.2); more
   * with addRedirectUri. Until there is one, oidc-provider finds the client invalid and every request
   * of it fails with invalid_redirect_uri.
   */
  redirectUris?: string[];
  /** Lifetime of an access token (default 3600). Lifetimes are whole seconds: wait TTL + 2 s in expiry tests. */
  accessTokenTtlSeconds?: number;
  /**
   * Lifetime of an access token from a sign-in (the authorization code grant) when it differs from
   * accessTokenTtlSeconds, which then holds for refreshed ones only: a test can wait for the first
   * to run out while the refreshed one outlives Postdesk's five-minute refresh margin.
   */
  signInAccessTokenTtlSeconds?: number;
  /** Lifetime of a refresh token (default 14 days). */
  refreshTokenTtlSeconds?: number;
  /** Scopes the provider knows besides `openid email profile offline_access` (a Gmail-like `https://mail.google.com/`). */
  extraScopes?: string[];
}

export interface OAuthAccount {
  /** The `email` claim; in lower case, the login name at the provider and the tokens' subject. */
  email: string;
  /** The `email_verified` claim (default true). */
  emailVerified?: boolean;
  /** The `name` claim (scope profile); none by default. */
  name?: string;
}

export interface OAuthProvider {
  /** `http://127.0.0.1:PORT`; discovery at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  /**
   * Postdesk's confidential client: authorization code with PKCE S256 (required) and refresh
   * tokens. It authenticates with client_secret_basic or client_secret_post: oidc-provider takes
   * either for a client registered with one of them.
   */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly endpoints: { authorization: string; token: string; revocation: string; userinfo: string };
  /**
   * How a mail server checks a token (RFC 7662): a client of its own that holds no grants and
   * authenticates with HTTP Basic. Pass it as it is: `startDovecot({ oauth2: provider.introspection })`,
   * `startSmtpSink({ oauth2: provider.introspection })`.
   */
  readonly introspection: { introspectionUrl: string; clientId: string; clientSecret: string };
  /** Registers one more redirect URI for Postdesk's client, usable at once. */
  addRedirectUri(uri: string): void;
  /**
   * Sets the claims of the login name `email` in lower case (the `email` claim keeps the case given).
   * Any login name signs in without this, as a verified address. The login name is the tokens'
   * subject as typed (the login page does not lower-case it): a browser test types it in lower case,
   * as Dovecot and the SMTP sink compare the subject with the mail login.
   */
  addAccount(account: OAuthAccount): void;
  /**
   * Revokes every grant the account gave (as a user removing the app's access does): its access
   * tokens are refused from now on and its refresh tokens answer invalid_grant. Returns how many.
   */
  revokeGrants(email: string): Promise<number>;
  /**
   * Every answer of the token endpoint so far, in order, by grant type (`authorization_code`,
   * `refresh_token`): how many refreshes were asked for, and whether each was granted.
   */
  tokenGrants(): readonly TokenGrant[];
  /** Makes one access or refresh token unknown, so its next use fails (a refresh with invalid_grant). */
  revokeToken(token: string): Promise<void>;
  /**
   * Follows an authorization URL of Postdesk's client as a browser would, by plain HTTP: signs in
   * as `email` on the login page, consents, and returns the URL the provider redirects back to
   * (with `code` and `state`, or `error`). Fails when the provider answers with a page it does not know.
   */
  authorizeHeadless(authorizationUrl: string | URL, login: { email: string }): Promise<URL>;
  /** What went wrong inside the provider lately (its server errors), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface TokenGrant {
  grantType: string;
  granted: boolean;
  /** The OAuth error code of a refused one (`invalid_grant`). */
  error?: string;
}

const BASE_SCOPES = ["openid", "email", "profile", "offline_access"];
const HTTP_TIMEOUT_MS = 5_000;
/** Sign-in, consent, and the redirects between them: a few more than the flow takes. */
const MAX_AUTHORIZATION_STEPS = 12;

export async function startOAuthProvider(options: OAuthProviderOptions = {}): Promise<OAuthProvider> {
  const server = http.createServer();
  // A client that stalls must not keep stop() waiting.
  server.requestTimeout = HTTP_TIMEOUT_MS;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve((server.address() as net.AddressInfo).port));
  });
  const issuer = `http://${LOOPBACK}:${port}`;

  const postdesk = {
    client_id: "postdesk",
    client_secret: crypto.randomBytes(24).toString("base64url"),
    redirect_uris: [...(options.redirectUris ?? [])],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  } satisfies ClientMetadata;
  const mailServer = {
    client_id: "mail-server",
    client_secret: crypto.randomBytes(24).toString("base64url"),
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    token_endpoint_auth_method: "client_secret_basic",
  } satisfies ClientMetadata;
  const refreshTokenTtl = options.refreshTokenTtlSeconds ?? 14 * 24 * 3600;
  const accounts = new Map<string, OAuthAccount>();
  const store = new TokenStore((id) => (id === postdesk.client_id ? postdesk : id === mailServer.client_id ? mailServer : undefined));
  const errors: string[] = [];
  const grants: TokenGrant[] = [];

  const configuration: Configuration = {
    adapter: (model: string) => store.adapter(model),
    jwks: { keys: [await signingKey()] },
    cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
    scopes: [...BASE_SCOPES, ...(options.extraScopes ?? [])],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Google and Microsoft put the email claims in the ID token itself; by default oidc-provider
    // keeps scope-requested claims for the userinfo endpoint only.
    conformIdTokenClaims: false,
    findAccount(_ctx, sub) {
      const account = accounts.get(sub.toLowerCase()) ?? { email: sub };
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: account.emailVerified ?? true,
          ...(account.name === undefined ? {} : { name: account.name }),
        }),
      };
    },
    features: {
      devInteractions: { enabled: true },
      introspection: {
        enabled: true,
        // Dovecot does not look at the token type: a refresh token that introspected as active
        // (oidc-provider's default for any confidential caller) would log in. Only its holder may see it.
        allowedPolicy: (_ctx, client, token) => token.kind !== "RefreshToken" || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
    },
    // Confidential clients need no PKCE by default; Google and Microsoft accept it, and Postdesk sends it.
    pkce: { required: () => true },
    // Off for confidential clients by default. On, reusing a rotated refresh token revokes the whole
    // grant, as Microsoft and Google do with a refresh token replayed after rotation.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: (ctx) =>
        (ctx?.oidc?.params?.grant_type === "authorization_code" ? options.signInAccessTokenTtlSeconds : undefined) ??
        options.accessTokenTtlSeconds ??
        3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: refreshTokenTtl,
      // A grant that ended before its refresh token would end the token with it.
      Grant: refreshTokenTtl,
      Interaction: 600,
      Session: 3600,
    },
    // What the provider cannot send back to the client (a redirect_uri it does not know, an unknown
    // client) as JSON rather than its HTML page: authorizeHeadless quotes it in its failure message.
    renderError(ctx, out) {
      ctx.type = "json";
      ctx.body = out;
    },
  };

  const provider = await quietly(async () => {
    const { default: Provider } = await import("oidc-provider");
    return new Provider(issuer, configuration);
  });
  provider.on("server_error", (_ctx, error) => {
    errors.push(error.stack ?? error.message);
    errors.splice(0, errors.length - 20);
  });
  provider.on("grant.success", (ctx) => {
    grants.push({ grantType: String(ctx.oidc.params?.grant_type), granted: true });
  });
  provider.on("grant.error", (ctx, error) => {
    grants.push({ grantType: String(ctx.oidc?.params?.grant_type), granted: false, error: (error as { error?: string }).error });
  });
  // Koa prints 500s to stderr besides; server_error above keeps them for the failure message instead.
  provider.silent = true;
  server.on("request", provider.callback());

  const endpoints = {
    authorization: `${issuer}/auth`,
    token: `${issuer}/token`,
    revocation: `${issuer}/token/revocation`,
    userinfo: `${issuer}/me`,
  };

  return {
    issuer,
    clientId: postdesk.client_id,
    clientSecret: postdesk.client_secret,
    endpoints,
    introspection: {
      introspectionUrl: `${issuer}/token/introspection`,
      clientId: mailServer.client_id,
      clientSecret: mailServer.client_secret,
    },
    addRedirectUri(uri) {
      if (!postdesk.redirect_uris.includes(uri)) postdesk.redirect_uris.push(uri);
    },
    addAccount(account) {
      accounts.set(account.email.toLowerCase(), account);
    },
    tokenGrants: () => [...grants],
    revokeGrants: (email) => store.revokeGrantsOf(email.toLowerCase()),
    async revokeToken(token) {
      store.forget("AccessToken", token);
      store.forget("RefreshToken", token);
    },
    authorizeHeadless: (authorizationUrl, login) =>
      authorizeHeadless(issuer, new URL(authorizationUrl), login.email.toLowerCase()),
    log: () => errors.join("\n"),
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections (fetch's, Dovecot's) would hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}

interface StoredEntry {
  payload: AdapterPayload;
  /** Epoch ms; Infinity for entries without a lifetime. */
  expiresAt: number;
}

/**
 * oidc-provider's storage, one per provider. Its own in-memory adapter is shared by every provider
 * in the process and forgets the oldest of 1,000 entries; this one keeps everything of its provider
 * until it expires, and can find an account's grants, which revokeGrants needs. Clients are served
 * from the live registration, so a redirect URI added later counts at once.
 */
class TokenStore {
  private readonly entries = new Map<string, StoredEntry>();

  constructor(private readonly client: (id: string) => AdapterPayload | undefined) {}

  adapter(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      if (model === "Client") {
        const client = this.client(id);
        // A fresh copy: oidc-provider caches a client by its metadata, so new redirect URIs make a new one.
        return client && structuredClone(client);
      }
      return this.live(key(id));
    };
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000;
        this.entries.set(key(id), { payload, expiresAt });
      },
      find,
      findByUid: async (uid) => this.findWhere(model, (payload) => payload.uid === uid),
      findByUserCode: async (userCode) => this.findWhere(model, (payload) => payload.userCode === userCode),
      consume: async (id) => {
        const payload = this.live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        this.deleteWhere((entryKey, payload) => entryKey.startsWith(`${model}:`) && payload.grantId === grantId);
      },
    };
  }

  forget(model: string, id: string): void {
    this.entries.delete(`${model}:${id}`);
  }

  /** Deletes the account's grants and every token and code issued under them. */
  async revokeGrantsOf(accountId: string): Promise<number> {
    const grantIds = new Set<string>();
    for (const [entryKey, { payload }] of this.entries) {
      if (entryKey.startsWith("Grant:") && payload.accountId === accountId) grantIds.add(entryKey.slice("Grant:".length));
    }
    this.deleteWhere(
      (entryKey, payload) =>
        (entryKey.startsWith("Grant:") && grantIds.has(entryKey.slice("Grant:".length))) ||
        (payload.grantId !== undefined && grantIds.has(payload.grantId)),
    );
    return grantIds.size;
  }

  private live(entryKey: string): AdapterPayload | undefined {
    const entry = this.entries.get(entryKey);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(entryKey);
      return undefined;
    }
    return entry.payload;
  }

  private findWhere(model: string, matches: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    for (const [entryKey] of this.entries) {
      if (!entryKey.startsWith(`${model}:`)) continue;
      const payload = this.live(entryKey);
      if (payload && matches(payload)) return payload;
    }
    return undefined;
  }

  private deleteWhere(matches: (entryKey: string, payload: AdapterPayload) => boolean): void {
    for (const [entryKey, { payload }] of this.entries) {
      if (matches(entryKey, payload)) this.entries.delete(entryKey);
    }
  }
}

/** A fresh RS256 key for ID tokens (the default algorithm every relying party accepts). */
async function signingKey(): Promise<JWK> {
  const { privateKey } = await promisify(crypto.generateKeyPair)("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: crypto.randomUUID(), alg: "RS256", use: "sig" } as JWK;
}

/**
 * oidc-provider warns, on import, that Node 20 is not an LTS it supports (it works: the OAuth flows
 * were checked end to end on Node 20), and on start that its development login pages are on (as
 * they are meant to be here). Those two only are dropped; anything else it says still shows.
 */
async function quietly<T>(start: () => Promise<T>): Promise<T> {
  const expected = [/^oidc-provider WARNING: Unsupported runtime/, /^oidc-provider WARNING: a quick start development-only feature devInteractions/];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = typeof args[0] === "string" ? args[0].replace(/\x1b\[[\d;]*m/g, "") : "";
    if (!expected.some((pattern) => pattern.test(text))) warn(...args);
  };
  try {
    return await start();
  } finally {
    console.warn = warn;
  }
}

/**
 * The browser's part of the authorization code flow, by plain HTTP: redirects are followed by
 * hand (to keep the provider's cookies, which tie the login and consent pages to the request), the
 * login form is answered with `email` and any password, the consent form with "continue". The
 * first redirect that leaves the provider goes to the client: that URL is the result.
 */
async function authorizeHeadless(issuer: string, start: URL, email: string): Promise<URL> {
  const origin = new URL(issuer).origin;
  const cookies = new Map<string, string>();
  let url = start;
  let form: URLSearchParams | null = null;
  for (let step = 0; step < MAX_AUTHORIZATION_STEPS; step++) {
    if (url.origin !== origin) return url;
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ?? undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    keepCookies(cookies, response.headers.getSetCookie());
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      form = null;
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*\saction="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (response.status !== 200 || !action || (prompt !== "login" && prompt !== "consent")) {
      throw new Error(`The provider stopped the sign-in at ${url.pathname} with ${response.status}: ${page.slice(0, 1000)}`);
    }
    url = new URL(action.replaceAll("&amp;", "&"), url);
    form = new URLSearchParams(prompt === "login" ? { prompt, login: email, password: "any" } : { prompt });
  }
  throw new Error(`The sign-in did not come back to the client within ${MAX_AUTHORIZATION_STEPS} steps (last at ${url.href})`);
}

/**
 * A cookie jar by name alone: the flow is one request at a time on one host, and the provider's
 * cookies for the login page, the resume step and the session have different names.
 */
function keepCookies(cookies: Map<string, string>, setCookies: string[]): void {
  for (const header of setCookies) {
    const [pair = "", ...attributes] = header.split(";");
    const separator = pair.indexOf("=");
    if (separator < 1) continue;
    const name = pair.slice(0, separator).trim();
    const expired = attributes.some((attribute) => {
      const [key = "", value = ""] = attribute.trim().split("=");
      return (key.toLowerCase() === "max-age" && Number(value) <= 0) ||
        (key.toLowerCase() === "expires" && Date.parse(value) <= Date.now());
    });
    if (expired) cookies.delete(name);
    else cookies.set(name, pair.slice(separator + 1).trim());
  }
}
