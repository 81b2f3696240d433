import type { Mailbox } from "@/db/schema";
import type { MailConnectionFailure } from "@/lib/mail/types";
import { BACKOFF, retryDelayMs } from "./backoff";

/**
 * A mailbox's connection state (db/schema.ts `mailbox_connection_state`): new, connected, backoff,
 * authFailed, needsReconnect. Only `decideConnection` moves it, from what the last contact with the
 * server came to; poll-state.ts writes its decision with the rest of the poll's outcome.
 */
export type ConnectionState = Mailbox["connectionState"];

export type ConnectionOutcome =
  /**
   * A poll went through (login, fetch, acknowledge). `more`: it stopped at its batch limit with
   * more mail waiting behind it, and none of its batch left pending (poll-state.ts moreWaiting).
   */
  | { type: "polled"; more?: boolean }
  /**
   * A poll failed, classified at the edge (lib/mail/connection-error.ts); `oauthRevoked` when the
   * OAuth2 provider refused the refresh token: the grant was revoked or has expired.
   */
  | { type: "failed"; failure: MailConnectionFailure };

export interface ConnectionDecision {
  state: ConnectionState;
  /** Failed attempts in a row; 0 once a poll goes through. */
  failureCount: number;
  /** When to poll next, from now. */
  nextPollInMs: number;
}

/**
 * The state after `outcome`, and when to try again. A poll that goes through is `connected` and
 * back on the division's interval, whatever came before; one that left more mail waiting is due
 * again at once, which puts it behind every mailbox already due (they are taken longest-waiting
 * first), so a backlog drains batch after batch without keeping the others waiting. A refused
 * login is `authFailed`: only a person can fix a password, so it waits at least 15 minutes
 * (backoff.ts) rather than lock the account at the provider; anything else may pass by itself and
 * is `backoff`, from a minute to an hour. A revoked grant is `needsReconnect`, and stays so through
 * further failures: no retry can bring a token back, so it is tried hourly only in case the account
 * was connected again meanwhile.
 */
export function decideConnection(
  stored: { state: ConnectionState; failureCount: number },
  outcome: ConnectionOutcome,
  input: { intervalMs: number; random?: () => number },
): ConnectionDecision {
  if (outcome.type === "polled") return { state: "connected", failureCount: 0, nextPollInMs: outcome.more ? 0 : input.intervalMs };
  const failureCount = stored.failureCount + 1;
  if (outcome.failure === "oauthRevoked" || stored.state === "needsReconnect") {
    return { state: "needsReconnect", failureCount, nextPollInMs: BACKOFF.maxMs };
  }
  return {
    state: outcome.failure === "loginFailed" ? "authFailed" : "backoff",
    failureCount,
    nextPollInMs: retryDelayMs(failureCount, outcome.failure, input.random),
  };
}

/** The states in which a mailbox fails, and the status page says why. */
export type FailingState = Exclude<ConnectionState, "new" | "connected">;

export function isFailing(state: ConnectionState): state is FailingState {
  return state === "backoff" || state === "authFailed" || state === "needsReconnect";
}
