import { classifyMailError } from "@/lib/mail/connection-error";

/**
 * Why a mail was not sent, in codes the UI explains (messages `outbox.errors.*`):
 * - temporary: the server said 4xx (try later); retried with backoff
 * - rejected: the server said 5xx; the mail will not go through as it is
 * - connection failures as for inbound mail (hostNotFound, addressRefused, connectionRefused, timeout, connectionLost,
 *   tlsFailed, loginFailed, protocolError), and of the mailbox's OAuth2 account (oauthNotConnected,
 *   oauthRevoked, oauthUnavailable, oauthMisconfigured): the mail waits, retried, until the account
 *   works again
 * - noMailbox / noSmtp: nothing to send it from; an admin must configure SMTP, then clear the error
 * - gaveUp: temporary failures went on for too long
 * - unsubscribed: a mass mail whose contact unsubscribed after it was queued; never sent
 */
export type SendErrorCode =
  | "temporary"
  | "rejected"
  | "hostNotFound"
  | "addressRefused"
  | "connectionRefused"
  | "timeout"
  | "connectionLost"
  | "oauthNotConnected"
  | "oauthRevoked"
  | "oauthUnavailable"
  | "oauthMisconfigured"
  | "tlsFailed"
  | "loginFailed"
  | "protocolError"
  | "noMailbox"
  | "noSmtp"
  | "gaveUp"
  | "unsubscribed";

export interface SendFailure {
  code: SendErrorCode;
  /** Worth another attempt later (4xx, timeouts, connection errors), rather than an error now. */
  temporary: boolean;
  /** Whether the whole connection failed, so the other mails of the same server would fail too. */
  connectionLevel: boolean;
  detail: string;
}

const TEMPORARY_CONNECTION_FAILURES = new Set([
  "hostNotFound",
  "addressRefused",
  "connectionRefused",
  "timeout",
  "connectionLost",
  "oauthNotConnected",
  "oauthRevoked",
  "oauthUnavailable",
  "oauthMisconfigured",
  "protocolError",
]);

export function classifySendError(error: unknown, secrets: string[] = []): SendFailure {
  const facts = (error ?? {}) as { responseCode?: unknown; code?: unknown; command?: unknown };
  const responseCode = typeof facts.responseCode === "number" ? facts.responseCode : null;
  const { failure, detail } = classifyMailError(error, secrets);
  if (facts.code === "EAUTH") return { code: "loginFailed", temporary: responseCode !== null && responseCode < 500, connectionLevel: true, detail };
  if (responseCode !== null && responseCode >= 400 && responseCode < 500) {
    // A 4xx greeting (421 "too busy") refuses the connection, not this one mail.
    return { code: "temporary", temporary: true, connectionLevel: facts.command === "CONN", detail };
  }
  if (responseCode !== null && responseCode >= 500) {
    return { code: "rejected", temporary: false, connectionLevel: facts.command === "CONN", detail };
  }
  // Failures of reading a folder: SMTP has none, so one here is an answer we did not expect.
  const code = failure === "folderNotFound" || failure === "mailHidden" ? "protocolError" : failure;
  return { code, temporary: TEMPORARY_CONNECTION_FAILURES.has(code), connectionLevel: true, detail };
}

/** How long to wait after the n-th failed attempt: 1, 2, 4, … minutes, at most 4 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 4 * 60 * 60_000);
}

/** After this many attempts a temporary failure becomes an error (about 8 hours of retries). */
export const MAX_SEND_ATTEMPTS = 10;

/**
 * Where a failed attempt leaves a mail: ready again after the delay while the failure is temporary
 * and attempts remain, else an error (`gaveUp` when it was temporary but went on too long).
 */
export function afterFailedAttempt(
  row: { attempts: number; nextAttemptAt: Date },
  failure: SendFailure,
  now: Date,
): { status: "ready" | "error"; nextAttemptAt: Date; gaveUp: boolean } {
  const retry = failure.temporary && row.attempts < MAX_SEND_ATTEMPTS;
  return {
    status: retry ? "ready" : "error",
    nextAttemptAt: retry ? new Date(now.getTime() + retryDelayMs(row.attempts)) : row.nextAttemptAt,
    gaveUp: !retry && failure.temporary,
  };
}
