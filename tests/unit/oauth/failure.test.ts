import { AuthorizationResponseError, ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from "openid-client";
import { describe, expect, it } from "vitest";
import { classifyOAuthError, OAuthError } from "@/lib/oauth/failure";

function tokenError(error: string, status = 400, description?: string): ResponseBodyError {
  return new ResponseBodyError("server responded with an error in the response body", {
    cause: { error, ...(description ? { error_description: description } : {}) },
    response: new Response(null, { status }),
  });
}

function clientError(message: string, code: string, cause?: unknown): ClientError {
  return Object.assign(new ClientError(message, { cause }), { code });
}

describe("classifyOAuthError", () => {
  it.each([
    ["invalid_grant", 400, "revoked"],
    ["interaction_required", 400, "revoked"],
    ["consent_required", 400, "revoked"],
    ["invalid_token", 400, "revoked"],
    ["invalid_client", 401, "misconfigured"],
    ["unauthorized_client", 400, "misconfigured"],
    ["unsupported_grant_type", 400, "misconfigured"],
    ["invalid_scope", 400, "misconfigured"],
    ["temporarily_unavailable", 503, "temporary"],
    ["server_error", 500, "temporary"],
    ["some_new_code", 502, "temporary"],
    ["some_new_code", 429, "temporary"],
    ["some_new_code", 400, "misconfigured"],
  ] as const)("sorts the token endpoint's %s (HTTP %i) as %s", (code, status, type) => {
    expect(classifyOAuthError(tokenError(code, status)).type).toBe(type);
  });

  it("keeps the provider's code and description for the record", () => {
    expect(classifyOAuthError(tokenError("invalid_grant", 400, "Token has been expired or revoked."))).toEqual({
      type: "revoked",
      detail: "invalid_grant: Token has been expired or revoked.",
    });
  });

  it.each([
    ["access_denied", "denied"],
    ["login_required", "denied"],
    ["temporarily_unavailable", "temporary"],
    ["unauthorized_client", "misconfigured"],
    ["invalid_scope", "misconfigured"],
  ] as const)("sorts an authorization response carrying %s as %s", (code, type) => {
    const error = new AuthorizationResponseError("authorization response from the server is an error", {
      cause: new URLSearchParams({ error: code, state: "s" }),
    });
    expect(classifyOAuthError(error).type).toBe(type);
  });

  it("takes a 401 challenge without a JSON body as a refused client", () => {
    const error = new WWWAuthenticateChallengeError("server responded with a challenge in the WWW-Authenticate HTTP Header", {
      cause: [{ scheme: "basic", parameters: { realm: "token" } }],
      response: new Response(null, { status: 401 }),
    });
    expect(classifyOAuthError(error).type).toBe("misconfigured");
  });

  it("reads the error a challenge carries", () => {
    const error = new WWWAuthenticateChallengeError("server responded with a challenge in the WWW-Authenticate HTTP Header", {
      cause: [{ scheme: "bearer", parameters: { error: "invalid_grant", error_description: "grant revoked" } }],
      response: new Response(null, { status: 401 }),
    });
    expect(classifyOAuthError(error)).toEqual({ type: "revoked", detail: "invalid_grant: grant revoked" });
  });

  it.each([
    ["a timeout", clientError("operation timed out", "OAUTH_TIMEOUT"), "temporary"],
    ["a gateway's error page", clientError("unexpected HTTP response status code", "OAUTH_RESPONSE_IS_NOT_CONFORM", new Response("<html/>", { status: 502 })), "temporary"],
    ["a wrong endpoint", clientError("unexpected HTTP response status code", "OAUTH_RESPONSE_IS_NOT_CONFORM", new Response("<html/>", { status: 404 })), "misconfigured"],
    ["a state that is not ours", clientError("invalid response encountered", "OAUTH_INVALID_RESPONSE"), "invalidResponse"],
    ["an ID token for another nonce", clientError("unexpected JWT claim value encountered", "OAUTH_JWT_CLAIM_COMPARISON_FAILED"), "invalidResponse"],
    ["an expired ID token", clientError("JWT timestamp claim value failed validation", "OAUTH_JWT_TIMESTAMP_CHECK_FAILED"), "invalidResponse"],
    ["http to a remote provider", clientError("only requests to HTTPS are allowed", "OAUTH_HTTP_REQUEST_FORBIDDEN"), "misconfigured"],
    ["a discovered issuer other than the one configured", clientError("discovered metadata issuer does not match the expected issuer", "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED"), "misconfigured"],
    [
      "a failed fetch",
      new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo EAI_AGAIN oauth2.googleapis.com"), { code: "EAI_AGAIN" }) }),
      "temporary",
    ],
    [
      "a network error wrapped by openid-client",
      new ClientError("something went wrong", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) }),
      "temporary",
    ],
    ["an error nobody expected", new Error("boom"), "misconfigured"],
  ] as const)("sorts %s as %s", (_, error, type) => {
    expect(classifyOAuthError(error).type).toBe(type);
  });

  it("names the network's own reason in the detail", () => {
    const error = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9400"), { code: "ECONNREFUSED" }) });
    expect(classifyOAuthError(error)).toEqual({ type: "temporary", detail: "fetch failed: connect ECONNREFUSED 127.0.0.1:9400" });
  });

  it("keeps the verdict of an OAuthError", () => {
    expect(classifyOAuthError(new OAuthError({ type: "misconfigured", detail: "no refresh token" }))).toEqual({ type: "misconfigured", detail: "no refresh token" });
  });
});
