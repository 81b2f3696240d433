import { AuthorizationResponseError, ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from "openid-client";

/**
 * What went wrong talking to a provider, sorted by what to do about it: a token refresh job retries
 * `temporary`, asks the mailbox's owner to connect again on `revoked`, and tells an admin on
 * `misconfigured`; the connect flow starts over on `denied` and `invalidResponse`.
 */
export type OAuthFailureType =
  /**
   * The grant is gone (RFC 6749 §5.2 invalid_grant): consent withdrawn, the account deleted or its
   * password changed, the refresh token expired, or an old one reused after rotation; for a code,
   * the code was used already or expired. Only authorizing again helps.
   */
  | "revoked"
  /** The user said no on the provider's page, or the provider would not ask them (RFC 6749 §4.1.2.1). */
  | "denied"
  /** The network, a timeout, the provider down or busy (5xx, 429, temporarily_unavailable): try again later. */
  | "temporary"
  /** Postdesk's registration or settings: a wrong client id or secret, a client not allowed this grant or scope, a wrong URL. */
  | "misconfigured"
  /**
   * An answer that failed the checks: a callback whose state is not the one we sent, an ID token
   * for another client or nonce, a malformed reply. A stale or forged callback, or a broken provider.
   */
  | "invalidResponse";

export interface OAuthFailure {
  type: OAuthFailureType;
  /** For people and logs: the provider's error code and description, or the library's message. */
  detail: string;
}

/** What lib/oauth throws: the classification, with the original error as `cause`. */
export class OAuthError extends Error {
  readonly failure: OAuthFailure;

  constructor(failure: OAuthFailure, options?: { cause?: unknown }) {
    super(`${failure.type}: ${failure.detail}`, options);
    this.name = "OAuthError";
    this.failure = failure;
  }
}

/**
 * Token endpoint error codes: RFC 6749 §5.2, and Microsoft's, which answers interaction_required or
 * consent_required (multi-factor or conditional access, new permissions) when only the user can help.
 */
const TOKEN_ERRORS: Record<string, OAuthFailureType> = {
  invalid_grant: "revoked",
  interaction_required: "revoked",
  consent_required: "revoked",
  // Revoking a token that is gone already: RFC 7009 §2.2 answers 200, Google 400 invalid_token.
  invalid_token: "revoked",
  temporarily_unavailable: "temporary",
  server_error: "temporary",
  invalid_client: "misconfigured",
  unauthorized_client: "misconfigured",
  unsupported_grant_type: "misconfigured",
  invalid_scope: "misconfigured",
  invalid_request: "misconfigured",
  invalid_resource: "misconfigured",
};

/** Authorization response error codes: RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6. */
const AUTHORIZATION_ERRORS: Record<string, OAuthFailureType> = {
  access_denied: "denied",
  interaction_required: "denied",
  login_required: "denied",
  consent_required: "denied",
  account_selection_required: "denied",
  temporarily_unavailable: "temporary",
  server_error: "temporary",
};

/** openid-client's (and oauth4webapi's) codes for an answer that failed its checks. */
const INVALID_RESPONSE_CODES = new Set([
  "OAUTH_INVALID_RESPONSE",
  "OAUTH_PARSE_ERROR",
  "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
  "OAUTH_JWT_TIMESTAMP_CHECK_FAILED",
]);

const TEMPORARY_CODES = new Set(["OAUTH_TIMEOUT", "OAUTH_ABORT"]);

/** Node's codes for a network that failed under a request (fetch wraps them in a TypeError's cause). */
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+)$/;

export function classifyOAuthError(error: unknown): OAuthFailure {
  if (error instanceof OAuthError) return error.failure;

  if (error instanceof AuthorizationResponseError) {
    return { type: AUTHORIZATION_ERRORS[error.error] ?? "misconfigured", detail: oauthDetail(error.error, error.error_description) };
  }
  if (error instanceof ResponseBodyError) {
    return { type: TOKEN_ERRORS[error.error] ?? byStatus(error.status), detail: oauthDetail(error.error, error.error_description) };
  }
  if (error instanceof WWWAuthenticateChallengeError) {
    // A 401 with a challenge instead of a JSON body: the client was refused, unless the challenge says more.
    const challenge = error.cause.find(({ parameters }) => typeof parameters.error === "string");
    const code = challenge?.parameters.error;
    if (code) return { type: TOKEN_ERRORS[code] ?? byStatus(error.status), detail: oauthDetail(code, challenge.parameters.error_description) };
    return { type: byStatus(error.status), detail: `HTTP ${error.status}: ${error.message}` };
  }
  if (error instanceof ClientError) {
    const code = error.code ?? "";
    if (TEMPORARY_CODES.has(code)) return { type: "temporary", detail: error.message };
    if (INVALID_RESPONSE_CODES.has(code)) return { type: "invalidResponse", detail: causeMessage(error) };
    // A reply that is not OAuth at all: a proxy's or load balancer's error page, or a wrong URL.
    if (error.cause instanceof Response) {
      return { type: byStatus(error.cause.status), detail: `${error.message}: HTTP ${error.cause.status} from ${error.cause.url || "the provider"}` };
    }
  }
  if (networkFailure(error)) return { type: "temporary", detail: causeMessage(error) };
  // The rest (http refused for a remote issuer, an issuer that differs from the one configured, a
  // missing endpoint, a bug) will not mend itself: someone has to look.
  return { type: "misconfigured", detail: causeMessage(error) };
}

function byStatus(status: number): OAuthFailureType {
  return status >= 500 || status === 429 || status === 408 ? "temporary" : "misconfigured";
}

function oauthDetail(code: string, description: string | undefined): string {
  return description ? `${code}: ${description}` : code;
}

/** A fetch that failed under us: undici's "fetch failed" TypeError with Node's code in its cause. */
function networkFailure(error: unknown): boolean {
  if (error instanceof TypeError && error.message === "fetch failed") return true;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.test(code)) return true;
  }
  return false;
}

/** The message and what it wraps, for a detail that names the real reason ("fetch failed: connect ECONNREFUSED …"). */
function causeMessage(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : typeof current === "string" ? current : "";
    if (message && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || String(error);
}
