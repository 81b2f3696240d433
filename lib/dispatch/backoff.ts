/**
 * When to try a failing mailbox again: exponential from one minute, capped at an hour, with jitter so
 * that mailboxes that failed together (a server outage) do not all come back in the same second.
 * A refused login waits the longest: retrying a wrong password only locks the account at the provider.
 */
export const BACKOFF = { baseMs: 60_000, maxMs: 60 * 60_000, loginFailedMinMs: 15 * 60_000 } as const;

export function retryDelayMs(failureCount: number, failure: string | null, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.max(0, failureCount - 1));
  const floor = failure === "loginFailed" ? BACKOFF.loginFailedMinMs : 0;
  const delay = Math.max(floor, exponential);
  // ±10 % jitter, never above the cap.
  return Math.min(BACKOFF.maxMs, Math.round(delay * (0.9 + 0.2 * random())));
}
