import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { authorizationRequest, exchangeCode, refreshTokens, revokeRefreshToken } from "@/lib/oauth/client";
import { OAuthError, type OAuthFailureType } from "@/lib/oauth/failure";
import { registrationOf } from "@/lib/oauth/providers";
import { xoauth2 } from "@/lib/mail/sasl";
import { fakeProvider, idToken, json, type SentRequest } from "./fake-provider";

const env = {
  POSTDESK_OAUTH_GOOGLE_CLIENT_ID: "1234-abc.apps.googleusercontent.com",
  POSTDESK_OAUTH_GOOGLE_CLIENT_SECRET: "google-secret",
  POSTDESK_OAUTH_MICROSOFT_CLIENT_ID: "6731de76-14a6-49ae-97bc-6eba6914391e",
  POSTDESK_OAUTH_MICROSOFT_CLIENT_SECRET: "microsoft-secret",
  POSTDESK_OAUTH_OIDC_ISSUER: "http://127.0.0.1:9400",
  POSTDESK_OAUTH_OIDC_CLIENT_ID: "postdesk",
  POSTDESK_OAUTH_OIDC_CLIENT_SECRET: "oidc secret&=",
};
const google = registrationOf(env, "google")!;
const microsoft = registrationOf(env, "microsoft")!;
const oidc = registrationOf(env, "oidc")!;
const redirectUri = "https://help.example.com/api/oauth/callback";

/** Where the provider sends the browser back: the redirect URI with the code and our state. */
function callback(state: string, extra: Record<string, string> = {}): string {
  return `${redirectUri}?${new URLSearchParams({ code: "the-code", state, ...extra })}`;
}

function params(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

function pkceChallenge(verifier: string): string {
  return crypto.createHash("sha256").update(verifier).digest("base64url");
}

async function failureOf(promise: Promise<unknown>): Promise<{ type: OAuthFailureType; detail: string }> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return (error as OAuthError).failure;
}

const MICROSOFT_SCOPES =
  "openid email profile offline_access https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send";

describe("Google", () => {
  const googleIdToken = (nonce: string, claims: Record<string, unknown> = {}) =>
    idToken({ iss: "https://accounts.google.com", aud: google.clientId, sub: "1170", email: "anna@acme.example", email_verified: true, nonce, ...claims });

  it("sends the browser to Google's consent page for offline mail access, with PKCE S256, a fresh state and the login hint", async () => {
    const provider = fakeProvider(() => json({}, 500));
    const request = await authorizationRequest(google, { redirectUri, loginHint: "anna@acme.example" }, { fetch: provider.fetch });
    const url = new URL(request.url);

    expect(`${url.origin}${url.pathname}`).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(params(request.url)).toEqual({
      client_id: "1234-abc.apps.googleusercontent.com",
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "openid email https://mail.google.com/",
      access_type: "offline",
      prompt: "consent",
      state: request.state,
      nonce: request.nonce,
      code_challenge: pkceChallenge(request.codeVerifier),
      code_challenge_method: "S256",
      login_hint: "anna@acme.example",
    });
    expect(request.state).toMatch(/^[\w-]{32,}$/);
    expect((await authorizationRequest(google, { redirectUri })).state).not.toBe(request.state);
    expect(provider.requests).toEqual([]);
  });

  it("trades the code at Google's token endpoint with the verifier, the redirect URI and the client's secret in the form", async () => {
    const started = await authorizationRequest(google, { redirectUri });
    const provider = fakeProvider(() =>
      json({
        access_token: "ya29.access",
        refresh_token: "1//refresh",
        expires_in: 3599,
        scope: "openid https://www.googleapis.com/auth/userinfo.email https://mail.google.com/",
        token_type: "Bearer",
        id_token: googleIdToken(started.nonce),
      }),
    );
    const before = Date.now();
    // The app sees its callback under its internal address; the provider compares the public one.
    const tokens = await exchangeCode(
      google,
      { callbackUrl: callback(started.state).replace("https://help.example.com", "http://10.0.0.7:3000"), redirectUri, ...started },
      { fetch: provider.fetch },
    );

    expect(provider.requests).toHaveLength(1);
    const [sent] = provider.requests as [SentRequest];
    expect([sent.method, sent.url]).toEqual(["POST", "https://oauth2.googleapis.com/token"]);
    expect(sent.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(sent.form)).toEqual({
      grant_type: "authorization_code",
      code: "the-code",
      code_verifier: started.codeVerifier,
      redirect_uri: redirectUri,
      client_id: "1234-abc.apps.googleusercontent.com",
      client_secret: "google-secret",
    });
    expect(tokens).toMatchObject({
      accessToken: "ya29.access",
      refreshToken: "1//refresh",
      scope: "openid https://www.googleapis.com/auth/userinfo.email https://mail.google.com/",
      email: { address: "anna@acme.example", verified: true },
    });
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3599_000);
    expect(tokens.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3599_000);
  });

  it("refuses a callback whose state is not the one it sent, before any token request", async () => {
    const started = await authorizationRequest(google, { redirectUri });
    const provider = fakeProvider(() => json({}, 500));
    const failure = await failureOf(exchangeCode(google, { callbackUrl: callback("someone-elses-state"), redirectUri, ...started }, { fetch: provider.fetch }));
    expect(failure.type).toBe("invalidResponse");
    expect(provider.requests).toEqual([]);
  });

  it("reports the user's refusal on the consent page as denied", async () => {
    const started = await authorizationRequest(google, { redirectUri });
    const callbackUrl = `${redirectUri}?error=access_denied&state=${started.state}`;
    expect(await failureOf(exchangeCode(google, { callbackUrl, redirectUri, ...started }))).toEqual({ type: "denied", detail: "access_denied" });
  });

  it("refuses an ID token minted for another sign-in (its nonce differs)", async () => {
    const started = await authorizationRequest(google, { redirectUri });
    const provider = fakeProvider(() =>
      json({ access_token: "a", refresh_token: "r", expires_in: 3599, token_type: "Bearer", id_token: googleIdToken("another-nonce") }),
    );
    const failure = await failureOf(exchangeCode(google, { callbackUrl: callback(started.state), redirectUri, ...started }, { fetch: provider.fetch }));
    expect(failure.type).toBe("invalidResponse");
  });

  it("refuses a grant without a refresh token, which would stop working within the hour", async () => {
    const started = await authorizationRequest(google, { redirectUri });
    const provider = fakeProvider(() => json({ access_token: "a", expires_in: 3599, token_type: "Bearer", id_token: googleIdToken(started.nonce) }));
    const failure = await failureOf(exchangeCode(google, { callbackUrl: callback(started.state), redirectUri, ...started }, { fetch: provider.fetch }));
    expect(failure.type).toBe("misconfigured");
  });

  it("refreshes with the refresh token and the client's secret, and keeps the refresh token Google does not replace", async () => {
    const provider = fakeProvider(() => json({ access_token: "ya29.new", expires_in: 3599, scope: "https://mail.google.com/", token_type: "Bearer" }));
    const tokens = await refreshTokens(google, "1//refresh", { fetch: provider.fetch });

    const [sent] = provider.requests as [SentRequest];
    expect([sent.method, sent.url]).toEqual(["POST", "https://oauth2.googleapis.com/token"]);
    expect(Object.fromEntries(sent.form)).toEqual({
      grant_type: "refresh_token",
      refresh_token: "1//refresh",
      client_id: "1234-abc.apps.googleusercontent.com",
      client_secret: "google-secret",
    });
    expect(tokens).toMatchObject({ accessToken: "ya29.new", refreshToken: "1//refresh", scope: "https://mail.google.com/" });
    expect(tokens.email).toBeUndefined();
  });

  it("reports a refresh token Google no longer honours (consent withdrawn, password changed) as revoked", async () => {
    const provider = fakeProvider(() => json({ error: "invalid_grant", error_description: "Token has been expired or revoked." }, 400));
    expect(await failureOf(refreshTokens(google, "1//refresh", { fetch: provider.fetch }))).toEqual({
      type: "revoked",
      detail: "invalid_grant: Token has been expired or revoked.",
    });
  });

  it.each([
    ["a deleted OAuth client", "misconfigured", () => json({ error: "invalid_client", error_description: "The OAuth client was deleted." }, 401)],
    ["Google briefly down", "temporary", () => new Response("<html>Service Unavailable</html>", { status: 503, headers: { "content-type": "text/html" } })],
    ["rate limiting", "temporary", () => json({ error: "rate_limit_exceeded" }, 429)],
    [
      "a refused connection",
      "temporary",
      () => {
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 142.250.0.1:443"), { code: "ECONNREFUSED" }) });
      },
    ],
  ] as const)("classifies %s on refresh as %s", async (_, type, answer) => {
    const provider = fakeProvider(answer);
    expect((await failureOf(refreshTokens(google, "1//refresh", { fetch: provider.fetch }))).type).toBe(type);
  });

  it("revokes the grant at Google's revocation endpoint when a mailbox is disconnected", async () => {
    const provider = fakeProvider(() => new Response(null, { status: 200 }));
    expect(await revokeRefreshToken(google, "1//refresh", { fetch: provider.fetch })).toBe(true);
    const [sent] = provider.requests as [SentRequest];
    expect([sent.method, sent.url]).toEqual(["POST", "https://oauth2.googleapis.com/revoke"]);
    expect(Object.fromEntries(sent.form)).toMatchObject({ token: "1//refresh", token_type_hint: "refresh_token", client_id: google.clientId });
  });
});

describe("Microsoft 365", () => {
  const userTenant = "9b2c6f1e-0000-4000-8000-00000000c0de";
  const microsoftIdToken = (nonce: string, claims: Record<string, unknown> = {}) =>
    idToken({
      iss: `https://login.microsoftonline.com/${userTenant}/v2.0`,
      tid: userTenant,
      aud: microsoft.clientId,
      sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
      email: "anna@contoso.example",
      preferred_username: "anna@contoso.example",
      nonce,
      ...claims,
    });

  it("sends the browser to the common authority for the Outlook mail scopes and a refresh token, with PKCE S256", async () => {
    const provider = fakeProvider(() => json({}, 500));
    const request = await authorizationRequest(microsoft, { redirectUri }, { fetch: provider.fetch });
    const url = new URL(request.url);

    expect(`${url.origin}${url.pathname}`).toBe("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
    expect(params(request.url)).toEqual({
      client_id: "6731de76-14a6-49ae-97bc-6eba6914391e",
      redirect_uri: redirectUri,
      response_type: "code",
      scope: MICROSOFT_SCOPES,
      prompt: "select_account",
      state: request.state,
      nonce: request.nonce,
      code_challenge: pkceChallenge(request.codeVerifier),
      code_challenge_method: "S256",
    });
    // Microsoft's endpoints are known: nothing is discovered over the network.
    expect(provider.requests).toEqual([]);
  });

  it("uses the configured tenant's authority", async () => {
    const contoso = registrationOf({ ...env, POSTDESK_OAUTH_MICROSOFT_TENANT: "contoso.onmicrosoft.com" }, "microsoft")!;
    const request = await authorizationRequest(contoso, { redirectUri });
    expect(new URL(request.url).pathname).toBe("/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
  });

  it("trades the code through the common authority and accepts the ID token its user's own tenant issued", async () => {
    const started = await authorizationRequest(microsoft, { redirectUri });
    const provider = fakeProvider(() =>
      json({
        token_type: "Bearer",
        scope: "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send",
        expires_in: 4477,
        access_token: "eyJ0eXAi.outlook",
        refresh_token: "0.AXkA.refresh",
        id_token: microsoftIdToken(started.nonce),
      }),
    );
    const tokens = await exchangeCode(microsoft, { callbackUrl: callback(started.state), redirectUri, ...started }, { fetch: provider.fetch });

    expect(provider.requests.map(({ method, url }) => `${method} ${url}`)).toEqual(["POST https://login.microsoftonline.com/common/oauth2/v2.0/token"]);
    expect(Object.fromEntries(provider.requests[0]!.form)).toEqual({
      grant_type: "authorization_code",
      code: "the-code",
      code_verifier: started.codeVerifier,
      redirect_uri: redirectUri,
      client_id: microsoft.clientId,
      client_secret: "microsoft-secret",
    });
    expect(tokens).toMatchObject({
      accessToken: "eyJ0eXAi.outlook",
      refreshToken: "0.AXkA.refresh",
      email: { address: "anna@contoso.example", verified: false },
    });
  });

  it("refuses an ID token whose issuer is not the tenant it names", async () => {
    const started = await authorizationRequest(microsoft, { redirectUri });
    const provider = fakeProvider(() =>
      json({
        token_type: "Bearer",
        expires_in: 3600,
        access_token: "a",
        refresh_token: "r",
        id_token: microsoftIdToken(started.nonce, { iss: "https://login.microsoftonline.com/00000000-0000-4000-8000-0000000000ff/v2.0" }),
      }),
    );
    const failure = await failureOf(exchangeCode(microsoft, { callbackUrl: callback(started.state), redirectUri, ...started }, { fetch: provider.fetch }));
    expect(failure.type).toBe("invalidResponse");
  });

  it("refreshes with the scopes repeated, as Microsoft requires, and keeps the new refresh token it rotates in", async () => {
    const provider = fakeProvider(() => json({ token_type: "Bearer", expires_in: 3600, access_token: "new-access", refresh_token: "0.AXkA.rotated" }));
    const tokens = await refreshTokens(microsoft, "0.AXkA.refresh", { fetch: provider.fetch });

    expect(provider.requests.map(({ method, url }) => `${method} ${url}`)).toEqual(["POST https://login.microsoftonline.com/common/oauth2/v2.0/token"]);
    expect(Object.fromEntries(provider.requests[0]!.form)).toEqual({
      grant_type: "refresh_token",
      refresh_token: "0.AXkA.refresh",
      scope: MICROSOFT_SCOPES,
      client_id: microsoft.clientId,
      client_secret: "microsoft-secret",
    });
    expect(tokens).toMatchObject({ accessToken: "new-access", refreshToken: "0.AXkA.rotated" });
  });

  it.each([
    ["an expired refresh token (AADSTS700082)", "invalid_grant", "revoked"],
    ["multi-factor authentication newly required (AADSTS50076)", "interaction_required", "revoked"],
    ["a wrong client secret (AADSTS7000215)", "invalid_client", "misconfigured"],
  ] as const)("classifies %s as %s", async (_, error, type) => {
    const provider = fakeProvider(() => json({ error, error_description: `${error} from Microsoft` }, error === "invalid_client" ? 401 : 400));
    expect((await failureOf(refreshTokens(microsoft, "0.AXkA.refresh", { fetch: provider.fetch }))).type).toBe(type);
  });

  it("has no revocation endpoint to call", async () => {
    const provider = fakeProvider(() => json({}, 500));
    expect(await revokeRefreshToken(microsoft, "0.AXkA.refresh", { fetch: provider.fetch })).toBe(false);
    expect(provider.requests).toEqual([]);
  });

  it("connects a shared mailbox through a colleague with access: XOAUTH2 signs in as the shared address with the colleague's token", async () => {
    const started = await authorizationRequest(microsoft, { redirectUri, loginHint: "anna@contoso.example" });
    const provider = fakeProvider(() =>
      json({ token_type: "Bearer", expires_in: 3600, access_token: "eyJ0.anna", refresh_token: "0.AXkA.anna", id_token: microsoftIdToken(started.nonce) }),
    );
    const tokens = await exchangeCode(microsoft, { callbackUrl: callback(started.state), redirectUri, ...started }, { fetch: provider.fetch });
    expect(tokens.email?.address).toBe("anna@contoso.example");

    const response = Buffer.from(xoauth2("support@contoso.example", tokens.accessToken), "base64");
    expect([...response]).toEqual([...Buffer.from("user=support@contoso.example\x01auth=Bearer eyJ0.anna\x01\x01", "latin1")]);
  });
});

describe("an OpenID Connect provider by issuer", () => {
  const issuer = "http://127.0.0.1:9400";
  const discovery = {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/me`,
    revocation_endpoint: `${issuer}/token/revocation`,
    code_challenge_methods_supported: ["S256"],
  };
  const answer =
    (token: (request: SentRequest) => Response) =>
    (request: SentRequest): Response => {
      if (request.url === `${issuer}/.well-known/openid-configuration`) return json(discovery);
      if (request.url === discovery.userinfo_endpoint) return json({ sub: "alice@example.test", email: "alice@example.test", email_verified: true });
      return token(request);
    };

  it("discovers the endpoints over plain http on loopback, and asks for consent so that offline_access is honoured", async () => {
    const provider = fakeProvider(answer(() => json({}, 500)));
    const request = await authorizationRequest(oidc, { redirectUri }, { fetch: provider.fetch });

    expect(provider.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([`GET ${issuer}/.well-known/openid-configuration`]);
    expect(request.url.startsWith(`${issuer}/auth?`)).toBe(true);
    expect(params(request.url)).toMatchObject({ client_id: "postdesk", scope: "openid email offline_access", prompt: "consent", code_challenge_method: "S256" });
  });

  it("authenticates with HTTP Basic by default, and learns the address from userinfo when the ID token lacks it", async () => {
    const started = await authorizationRequest(oidc, { redirectUri }, { fetch: fakeProvider(answer(() => json({}, 500))).fetch });
    const provider = fakeProvider(
      answer(() =>
        json({
          access_token: "opaque-access",
          refresh_token: "opaque-refresh",
          expires_in: 60,
          token_type: "Bearer",
          scope: "openid email offline_access",
          id_token: idToken({ iss: issuer, aud: "postdesk", sub: "alice@example.test", nonce: started.nonce }),
        }),
      ),
    );
    const tokens = await exchangeCode(oidc, { callbackUrl: callback(started.state), redirectUri, ...started }, { fetch: provider.fetch });

    const token = provider.requests.find(({ url }) => url === discovery.token_endpoint)!;
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from("postdesk:oidc+secret%26%3D").toString("base64")}`);
    expect(token.form.has("client_secret")).toBe(false);
    const userinfo = provider.requests.find(({ url }) => url === discovery.userinfo_endpoint)!;
    expect(userinfo.headers.authorization).toBe("Bearer opaque-access");
    expect(tokens).toMatchObject({ refreshToken: "opaque-refresh", email: { address: "alice@example.test", verified: true } });
  });

  it("reports a provider it cannot reach as temporary", async () => {
    const provider = fakeProvider(() => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9400"), { code: "ECONNREFUSED" }) });
    });
    const failure = await failureOf(refreshTokens(oidc, "opaque-refresh", { fetch: provider.fetch }));
    expect(failure.type).toBe("temporary");
    expect(failure.detail).toContain("ECONNREFUSED");
  });
});
