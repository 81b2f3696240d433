import type { Database } from "@/db/client";
import { dueMailboxes } from "./lease";

export interface PlannedPoll {
  payload: { tenantId: string; mailboxId: string };
  /** One run per mailbox at a time: the poll task allows one run per key. */
  concurrencyKey: string;
  /**
   * The same for every dispatch of one time slot, so a dispatch that runs twice (a retry, two
   * schedulers) starts each mailbox's poll once.
   */
  idempotencyKey: string;
}

/** The start of the slot `now` falls in, as an ISO minute (`2026-11-05T10:03`). */
export function slotOf(now: Date, slotMinutes: number): string {
  const slotMs = slotMinutes * 60_000;
  return new Date(Math.floor(now.getTime() / slotMs) * slotMs).toISOString().slice(0, 16);
}

/**
 * The polls a Trigger.dev dispatch fans out now: one per due mailbox (active division with its
 * dispatcher on, active mailbox, interval elapsed and out of backoff, not leased). Takes no lease:
 * each poll run takes its own.
 */
export async function dispatchPlan(
  db: Database,
  input: { now: Date; slotMinutes?: number; limit?: number },
): Promise<PlannedPoll[]> {
  const slot = slotOf(input.now, input.slotMinutes ?? 1);
  const due = await dueMailboxes(db, { now: input.now, limit: input.limit });
  return due.map(({ tenantId, mailboxId }) => ({
    payload: { tenantId, mailboxId },
    concurrencyKey: mailboxId,
    idempotencyKey: `poll:${mailboxId}:${slot}`,
  }));
}
