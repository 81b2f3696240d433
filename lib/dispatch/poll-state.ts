import { and, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { divisions, type InboundOutcome, inboundEmails, type Mailbox, mailboxes } from "@/db/schema";
import { withTenant } from "@/db/tenant";
import type { ProcessResult } from "@/lib/inbound/process";
import { retryDelayMs } from "./backoff";

export interface PollSummary {
  fetched: number;
  /** Mails stored by this poll (the rest were seen before: a crash, or a retry). */
  stored: number;
  acknowledged: number;
  outcomes: Partial<Record<InboundOutcome, number>>;
}

export interface PollTally {
  add(result: ProcessResult & { created: boolean }): void;
  acknowledge(db: Database, mailbox: Mailbox, inboundEmailId: string, now: Date): Promise<void>;
  summary(): PollSummary;
}

export function tally(): PollTally {
  const summary: PollSummary = { fetched: 0, stored: 0, acknowledged: 0, outcomes: {} };
  return {
    add(result) {
      summary.fetched++;
      if (result.created) summary.stored++;
      summary.outcomes[result.outcome] = (summary.outcomes[result.outcome] ?? 0) + 1;
    },
    async acknowledge(db, mailbox, inboundEmailId, now) {
      await withTenant(db, mailbox.tenantId, (tx) =>
        tx
          .update(inboundEmails)
          .set({ acknowledgedAt: now })
          .where(and(eq(inboundEmails.tenantId, mailbox.tenantId), eq(inboundEmails.id, inboundEmailId))),
      );
      summary.acknowledged++;
    },
    summary: () => summary,
  };
}

async function intervalMs(tx: Executor, mailbox: Mailbox): Promise<number> {
  const [division] = await tx
    .select({ minutes: divisions.pollIntervalMinutes })
    .from(divisions)
    .where(and(eq(divisions.tenantId, mailbox.tenantId), eq(divisions.id, mailbox.divisionId)));
  return (division?.minutes ?? 1) * 60_000;
}

/** A poll went through: the sync state moves on and any failure streak ends. */
export async function recordSyncState(
  tx: Executor,
  mailbox: Mailbox,
  state: { uidValidity?: number | null; lastUid?: number | null; seenUidls?: string[]; now: Date },
): Promise<void> {
  await tx
    .update(mailboxes)
    .set({
      ...(state.uidValidity !== undefined ? { uidValidity: state.uidValidity } : {}),
      ...(state.lastUid !== undefined ? { lastUid: state.lastUid } : {}),
      ...(state.seenUidls !== undefined ? { seenUidls: state.seenUidls } : {}),
      firstDownloadAt: sql`coalesce(${mailboxes.firstDownloadAt}, ${state.now.toISOString()}::timestamptz)`,
      lastPollAt: state.now,
      nextPollAt: new Date(state.now.getTime() + (await intervalMs(tx, mailbox))),
      failureCount: 0,
      lastError: null,
      lastErrorCode: null,
      lastErrorAt: null,
      updatedAt: state.now,
    })
    .where(and(eq(mailboxes.tenantId, mailbox.tenantId), eq(mailboxes.id, mailbox.id)));
}

/** A poll failed: the error is kept for the status page and the next try backs off. */
export async function recordPollFailure(
  db: Database,
  mailbox: Mailbox,
  failure: { code: string; detail: string; now: Date },
): Promise<Date> {
  const failureCount = mailbox.failureCount + 1;
  const nextPollAt = new Date(failure.now.getTime() + retryDelayMs(failureCount, failure.code));
  await withTenant(db, mailbox.tenantId, (tx) =>
    tx
      .update(mailboxes)
      .set({
        failureCount,
        lastError: failure.detail.slice(0, 2000),
        lastErrorCode: failure.code,
        // "Since when": the first failure of the streak.
        lastErrorAt: mailbox.failureCount > 0 && mailbox.lastErrorAt ? mailbox.lastErrorAt : failure.now,
        lastPollAt: failure.now,
        nextPollAt,
        updatedAt: failure.now,
      })
      .where(and(eq(mailboxes.tenantId, mailbox.tenantId), eq(mailboxes.id, mailbox.id))),
  );
  return nextPollAt;
}
