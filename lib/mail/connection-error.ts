import type { MailConnectionFailure } from "@/lib/mail/types";

/**
 * Errors at the edge to mail servers, sorted into what the user can act on. Everything talking to
 * IMAP, POP3 or SMTP throws a MailConnectionError (or is classified here), so the poller decides "needs the user" (wrong host,
 * wrong password, bad certificate, missing folder) versus "try again later" from one field.
 */

export interface MailErrorClassification {
  failure: MailConnectionFailure;
  /** For operators (the CLI): what happened, in the server's or Node's words. Never holds the password. */
  detail: string;
  /**
   * For tenants: the codes alone (Node's, OpenSSL's, the server's response code), never the server's
   * own words. A tenant may point a check at any server; what it answers is not ours to relay.
   */
  codes: string;
}

export class MailConnectionError extends Error {
  readonly failure: MailConnectionFailure;
  readonly detail: string;

  constructor(failure: MailConnectionFailure, detail: string, options?: { cause?: unknown }) {
    super(`${failure}: ${detail}`, options);
    this.name = "MailConnectionError";
    this.failure = failure;
    this.detail = detail;
  }
}

/** Node's DNS codes for a name that does not resolve (EAI_AGAIN: the resolver could not answer). */
const HOST_NOT_FOUND_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_NODATA", "EAI_FAIL", "EDNS"]);
const REFUSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);
/** Node's, imapflow's (CONNECT_/GREETING_/UPGRADE_TIMEOUT, ETIMEOUT) and our own POP3 client's. */
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ETIMEOUT", "CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT"]);
/** Node's, and imapflow's for a command that found (or lost) its socket closed. */
const LOST_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "NoConnection", "EConnectionClosed"]);
/**
 * nodemailer's own codes: it replaces Node's code with its kind of failure (ESOCKET, ECONNECTION,
 * …) and keeps Node's as `originalCode`, which is looked at too. ENOAUTH: no credentials to offer.
 */
const LOGIN_FAILED_CODES = new Set(["EAUTH", "ENOAUTH"]);
const TLS_CODES = new Set(["ETLS", "EREQUIRETLS"]);
/** OpenSSL's certificate verdicts as Node reports them (the ERR_SSL_ and ERR_TLS_ families aside). */
const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
/** Phrases of TLS failures that come without a telling code (host names cannot hold spaces). */
const TLS_MESSAGE = /certificate|wrong version number|handshake|ssl routines|starttls|secure tls connection|packet length too long/i;

interface ErrorFacts {
  code?: unknown;
  originalCode?: unknown;
  message?: unknown;
  responseText?: unknown;
  serverResponseCode?: unknown;
  /** nodemailer's: the SMTP reply's number. */
  responseCode?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  mailboxMissing?: unknown;
  cause?: unknown;
  _err?: unknown;
}

/**
 * What kind of failure an error from Node, imapflow, nodemailer or our POP3 client is. `secrets` (the
 * password, a token) are cut out of the detail in case a server or library echoes them.
 */
export function classifyMailError(error: unknown, secrets: string[] = []): MailErrorClassification {
  // Ours, possibly wrapped by a caller: its verdict stands.
  const known = causeChain(error).find((facts): facts is MailConnectionError => facts instanceof MailConnectionError);
  const classified = known
    ? { failure: known.failure, detail: known.detail }
    : { failure: failureOf(error), detail: detailOf(error) };
  return { failure: classified.failure, detail: redact(classified.detail, secrets), codes: codesOf(error) };
}

/** Codes are names from a fixed vocabulary: anything longer or odder is not one. */
const CODE = /^[A-Za-z0-9_.-]{1,40}$/;

function codesOf(error: unknown): string {
  const codes = causeChain(error).flatMap((facts) =>
    [facts.code, facts.originalCode, facts.serverResponseCode, facts.responseCode].map((code) =>
      typeof code === "number" ? String(code) : code,
    ),
  );
  return [...new Set(codes.filter((code): code is string => typeof code === "string" && CODE.test(code)))].join(", ");
}

/** What of a login must never appear in an error shown to anyone: its password or token. */
export function loginSecrets(login: { password: string; accessToken?: string }): string[] {
  return [login.password, login.accessToken ?? ""].filter(Boolean);
}

/** The error to throw from the edge: the classification, with the original kept as `cause`. */
export function toMailConnectionError(error: unknown, secrets: string[] = []): MailConnectionError {
  if (error instanceof MailConnectionError && secrets.every((secret) => !error.detail.includes(secret))) return error;
  const { failure, detail } = classifyMailError(error, secrets);
  return new MailConnectionError(failure, detail, { cause: error });
}

function failureOf(error: unknown): MailConnectionFailure {
  const chain = causeChain(error);
  const codes = chain.flatMap((facts) =>
    [facts.code, facts.originalCode].filter((code): code is string => typeof code === "string"),
  );
  const responseCodes = chain.map((facts) => String(facts.serverResponseCode ?? "").toUpperCase());

  if (
    chain.some((facts) => facts.authenticationFailed === true) ||
    responseCodes.includes("AUTHENTICATIONFAILED") ||
    codes.some((code) => LOGIN_FAILED_CODES.has(code))
  ) {
    return "loginFailed";
  }
  if (chain.some((facts) => facts.mailboxMissing === true) || responseCodes.some((code) => code === "NONEXISTENT" || code === "TRYCREATE")) {
    return "folderNotFound";
  }
  if (codes.some((code) => HOST_NOT_FOUND_CODES.has(code))) return "hostNotFound";
  if (codes.some((code) => REFUSED_CODES.has(code))) return "connectionRefused";
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return "timeout";
  if (codes.some((code) => LOST_CODES.has(code))) return "connectionLost";
  if (
    chain.some((facts) => facts.tlsFailed === true) ||
    codes.some((code) => TLS_CODES.has(code) || CERTIFICATE_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) ||
    chain.some((facts) => typeof facts.message === "string" && TLS_MESSAGE.test(facts.message))
  ) {
    return "tlsFailed";
  }
  return "protocolError";
}

function detailOf(error: unknown): string {
  const chain = causeChain(error);
  const parts: string[] = [];
  for (const facts of chain) {
    for (const text of [facts.message, facts.responseText]) {
      if (typeof text === "string" && text.trim() && !parts.some((part) => part.includes(text.trim()))) {
        parts.push(text.trim());
      }
    }
  }
  const text = parts.join(": ") || String(error);
  const code = chain.map((facts) => facts.code).find((value): value is string => typeof value === "string");
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

/** The error and what it wraps: Node's `cause`, imapflow's `_err`; bounded against cycles. */
function causeChain(error: unknown): ErrorFacts[] {
  const chain: ErrorFacts[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && chain.length < 5 && !chain.includes(current as ErrorFacts)) {
    const facts = current as ErrorFacts;
    chain.push(facts);
    current = facts.cause ?? facts._err;
  }
  if (chain.length === 0) chain.push({ message: String(error) });
  return chain;
}

function redact(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join("[hidden]");
  }
  return result;
}

const FAILURES: Record<MailConnectionFailure, true> = {
  hostNotFound: true,
  addressRefused: true,
  connectionRefused: true,
  timeout: true,
  connectionLost: true,
  tlsFailed: true,
  loginFailed: true,
  folderNotFound: true,
  mailHidden: true,
  oauthNotConnected: true,
  oauthRevoked: true,
  oauthUnavailable: true,
  oauthMisconfigured: true,
  protocolError: true,
};

/** A stored error code as a failure the messages explain; anything else reads as an unexpected answer. */
export function connectionFailureOf(code: string): MailConnectionFailure {
  return Object.hasOwn(FAILURES, code) ? (code as MailConnectionFailure) : "protocolError";
}
