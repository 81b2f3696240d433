import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { divisions, type InboundOutcome, inboundEmails, type Mailbox, mailboxes } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import type { ProcessResult } from "@/lib/inbound/process";
import type { MailConnectionFailure } from "@/lib/mail/types";
import { notifyReconnectNeeded } from "@/lib/notifications/reconnect";
import { type ConnectionOutcome, decideConnection } from "./connection-state";

export interface PollSummary {
  fetched: number;
  /** Mails stored by this poll (the rest were seen before: a crash, or a retry). */
  stored: number;
  acknowledged: number;
  outcomes: Partial<Record<InboundOutcome, number>>;
}

export interface PollTally {
  add(result: ProcessResult & { created: boolean }): void;
  /** The mails are off the server or out of its folder: stamped so in one statement. */
  acknowledge(db: Database, mailbox: Mailbox, inboundEmailIds: string[], now: Date): Promise<void>;
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
    async acknowledge(db, mailbox, inboundEmailIds, now) {
      if (inboundEmailIds.length === 0) return;
      await withTenant(db, mailbox.tenantId, (tx) =>
        tx
          .update(inboundEmails)
          .set({ acknowledgedAt: now })
          .where(and(eq(inboundEmails.tenantId, mailbox.tenantId), inArray(inboundEmails.id, inboundEmailIds))),
      );
      summary.acknowledged += inboundEmailIds.length;
    },
    summary: () => summary,
  };
}

/**
 * The one place a poll's outcome reaches the mailbox row: the connection state and the retry time
 * as decideConnection says, the failure (its code is the why of the state) and, after a poll that
 * went through, the sync state in the same UPDATE.
 */
async function recordOutcome(
  tx: Executor,
  mailbox: Mailbox,
  outcome: ConnectionOutcome,
  input: { now: Date; detail?: string; sync?: Partial<Pick<Mailbox, "uidValidity" | "lastUid" | "seenUidls" | "leftFlagged">> },
): Promise<Date> {
  // Read again under a row lock: another contact with the server (the token chore, a forced poll)
  // may have moved the state since this poll loaded the mailbox, and "needs reconnect" is announced
  // only by the one that enters it.
  // With the division's poll interval in the same statement; only the mailbox's row is locked.
  const [current] = await tx
    .select({
      state: mailboxes.connectionState,
      failureCount: mailboxes.failureCount,
      lastErrorAt: mailboxes.lastErrorAt,
      intervalMinutes: divisions.pollIntervalMinutes,
    })
    .from(mailboxes)
    .innerJoin(divisions, eq(divisions.id, mailboxes.divisionId))
    .where(and(eq(mailboxes.tenantId, mailbox.tenantId), eq(mailboxes.id, mailbox.id)))
    .for("update", { of: mailboxes });
  const stored = current ?? { state: mailbox.connectionState, failureCount: mailbox.failureCount, lastErrorAt: mailbox.lastErrorAt };
  const decision = decideConnection(stored, outcome, { intervalMs: (current?.intervalMinutes ?? 1) * 60_000 });
  if (decision.state === "needsReconnect" && stored.state !== "needsReconnect") {
    await notifyReconnectNeeded(tx, operatorScope(mailbox.tenantId), mailbox);
  }
  const nextPollAt = new Date(input.now.getTime() + decision.nextPollInMs);
  const failed = outcome.type !== "polled";
  await tx
    .update(mailboxes)
    .set({
      ...input.sync,
      ...(failed ? {} : { firstDownloadAt: sql`coalesce(${mailboxes.firstDownloadAt}, ${input.now.toISOString()}::timestamptz)` }),
      connectionState: decision.state,
      failureCount: decision.failureCount,
      lastError: failed ? (input.detail ?? "").slice(0, 2000) : null,
      lastErrorCode: outcome.type === "failed" ? outcome.failure : null,
      // "Since when": the first failure of the streak.
      lastErrorAt: !failed ? null : stored.failureCount > 0 && stored.lastErrorAt ? stored.lastErrorAt : input.now,
      lastPollAt: input.now,
      nextPollAt,
      updatedAt: input.now,
    })
    .where(and(eq(mailboxes.tenantId, mailbox.tenantId), eq(mailboxes.id, mailbox.id)));
  return nextPollAt;
}

/**
 * A poll went through: the sync state moves on and any failure streak ends. `more`: mail is still
 * waiting (moreWaiting), so the mailbox is due again at once.
 */
export async function recordSyncState(
  tx: Executor,
  mailbox: Mailbox,
  state: { uidValidity?: number | null; lastUid?: number | null; seenUidls?: string[]; leftFlagged?: number; more?: boolean; now: Date },
): Promise<void> {
  const { now, more, ...sync } = state;
  await recordOutcome(tx, mailbox, { type: "polled", more }, { now, sync });
}

/**
 * Whether a poll that stopped at its batch limit (`hasMore`) is followed by another at once: not
 * when a mail of its batch is still pending (processing failed, to be retried). That mail would
 * come back in the next batch, and its few retries would be spent within seconds; the backlog goes
 * on at the interval until it is handled or set aside.
 */
export function moreWaiting(hasMore: boolean, summary: PollSummary): boolean {
  return hasMore && !summary.outcomes.pending;
}

/** A poll failed: the error is kept for the status page and the next try backs off. */
export async function recordPollFailure(
  db: Database,
  mailbox: Mailbox,
  failure: { code: MailConnectionFailure; detail: string; now: Date },
): Promise<Date> {
  return withTenant(db, mailbox.tenantId, (tx) =>
    recordOutcome(tx, mailbox, { type: "failed", failure: failure.code }, { now: failure.now, detail: failure.detail }),
  );
}
