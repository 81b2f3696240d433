/**
 * How hard sign-in attempts are held back, decided without a database: each key (an account, a
 * client address, a known device) may fail a few times freely, then waits a delay that doubles with
 * every further failure, up to a cap. Growing delays instead of a lock: a stranger guessing an
 * account slows guessing down without shutting the owner out, who also has their known device
 * (lib/auth/device.ts), counted apart.
 */

export type ThrottleKind = "account" | "address" | "device";

export interface ThrottlePolicy {
  /** Failures that cost no wait. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; each further failure doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A key that has not failed for this long starts afresh. */
  forgetAfterMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const THROTTLE: Record<ThrottleKind, ThrottlePolicy> = {
  account: { freeFailures: 5, firstDelayMs: SECOND, maxDelayMs: 15 * MINUTE, forgetAfterMs: 24 * HOUR },
  // One address may mistype across many accounts (an office behind one NAT), but trying one
  // password on many accounts (spraying) is slowed past the free allowance. Forgotten sooner than an
  // account: the address of a whole office should not carry yesterday's typos.
  address: { freeFailures: 20, firstDelayMs: SECOND, maxDelayMs: 15 * MINUTE, forgetAfterMs: HOUR },
  device: { freeFailures: 5, firstDelayMs: SECOND, maxDelayMs: 15 * MINUTE, forgetAfterMs: 24 * HOUR },
};

/** Rows idle this long hold nothing any policy still remembers. */
export const LONGEST_THROTTLE_WINDOW_MS = Math.max(...Object.values(THROTTLE).map((policy) => policy.forgetAfterMs));

/** How long after its last failure a key that has failed `failures` times waits for its next attempt. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  // Capped before exponentiation, so that a huge count cannot overflow to Infinity.
  const doublings = Math.min(failures - policy.freeFailures, 32);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** doublings);
}

export interface FailureRecord {
  failures: number;
  lastFailureAt: Date;
}

export type AttemptDecision =
  /** Go ahead; the attempt counts as the `failures`-th failure until it succeeds. */
  | { type: "admit"; failures: number }
  | { type: "refuse"; retryAt: Date };

/** Whether a key with this record may attempt a sign-in now. */
export function decideAttempt(record: FailureRecord | null, now: Date, policy: ThrottlePolicy): AttemptDecision {
  if (!record || now.getTime() - record.lastFailureAt.getTime() >= policy.forgetAfterMs) {
    return { type: "admit", failures: 1 };
  }
  const retryAt = new Date(record.lastFailureAt.getTime() + delayAfter(record.failures, policy));
  return now >= retryAt ? { type: "admit", failures: record.failures + 1 } : { type: "refuse", retryAt };
}

/** Whole seconds to wait until `retryAt`, at least one: what the sign-in form tells the user. */
export function secondsUntil(retryAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / SECOND));
}

/** What the sign-in form says of a wait (message keys under `errors.`): seconds under a minute, else whole minutes. */
export function waitMessage(seconds: number): { key: "throttledSeconds" | "throttledMinutes"; values: { count: number } } {
  return seconds < 60
    ? { key: "throttledSeconds", values: { count: seconds } }
    : { key: "throttledMinutes", values: { count: Math.ceil(seconds / 60) } };
}
