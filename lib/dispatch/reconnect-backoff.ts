/**
 * How long a worker waits before it opens a dropped IMAP IDLE connection again. Pauses double from
 * a second up to a minute, each drawn between half and all of its step ("equal jitter"): a server
 * restart drops every connection at once, and without jitter they would all come back in the same
 * second, again and again. After `maxAttempts` failed tries the mailbox goes back to its schedule.
 *
 * The count of attempts starts over only once a connection has stood for `stableMs`: a server that
 * accepts the login and drops the connection a moment later (a connection limit, a proxy) would
 * otherwise be retried after a second forever.
 */
export const RECONNECT = { firstMs: 1_000, maxMs: 60_000, stableMs: 60_000, maxAttempts: 8 } as const;

/** The pause before reconnect attempt `attempt` (0 for the first after a drop). */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RECONNECT.maxMs, RECONNECT.firstMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (step / 2) * random());
}

/** The attempt count to go on with once a connection that stood for `upMs` has ended. */
export function attemptsAfterDrop(attempt: number, upMs: number): number {
  return upMs >= RECONNECT.stableMs ? 0 : attempt;
}
