import { and, asc, eq, gt, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { divisions, mailboxes } from "@/db/schema";
import { releaseLease, takeLease } from "./lease";
import { classifyMailError } from "@/lib/mail/connection-error";
import { inboundLogin } from "@/lib/mailboxes/mailboxes";
import { signInToken } from "@/lib/mailboxes/oauth-tokens";
import { loadMailbox } from "./poll";
import { removeExpiredCopies } from "./poll-pop3";

export interface CleanupSummary {
  /** Mailboxes whose retention ran. */
  cleaned: number;
  /** Kept copies deleted from their servers. */
  removed: number;
  /** Mailboxes another worker held (polling them applies the same retention). */
  busy: number;
  failed: { mailboxId: string; failure: string; detail: string }[];
}

export interface CleanupInput {
  now: Date;
  /** Who holds the leases taken here (a worker's id, a Trigger.dev run id). */
  owner: string;
  /** Only this tenant's mailboxes (tests that share a database). */
  tenantId?: string;
}

/**
 * POP3 "remove from the server after N days" and "remove when deleted here", on their own schedule:
 * every active POP3 mailbox of a division whose dispatcher is on, that keeps copies and has either
 * option, gets its expired copies and the copies of mail deleted for good here removed (polls do the
 * same in passing). Runs across tenants on the worker's own connection.
 * Each mailbox is leased while its server is touched, so no poll runs beside it; one that is busy is
 * skipped. A server that fails is reported and left for the next run; its polls record the error.
 */
export async function cleanupMailboxes(db: Database, input: CleanupInput): Promise<CleanupSummary> {
  const candidates = await db
    .select({ tenantId: mailboxes.tenantId, mailboxId: mailboxes.id })
    .from(mailboxes)
    .innerJoin(divisions, eq(divisions.id, mailboxes.divisionId))
    .where(
      and(
        eq(mailboxes.protocol, "pop3"),
        eq(mailboxes.pop3LeaveCopy, true),
        or(gt(mailboxes.pop3RemoveAfterDays, 0), eq(mailboxes.pop3RemoveWhenDeleted, true)),
        eq(mailboxes.active, true),
        eq(divisions.dispatcherActive, true),
        input.tenantId ? eq(mailboxes.tenantId, input.tenantId) : undefined,
      ),
    )
    .orderBy(asc(mailboxes.id));

  const summary: CleanupSummary = { cleaned: 0, removed: 0, busy: 0, failed: [] };
  for (const { tenantId, mailboxId } of candidates) {
    // Exclusive: the worker running this cleanup may be polling the mailbox under the same owner.
    if (!(await takeLease(db, { mailboxId, owner: input.owner, now: input.now, exclusive: true }))) {
      summary.busy++;
      continue;
    }
    try {
      const mailbox = await loadMailbox(db, { tenantId, mailboxId });
      const login = inboundLogin(mailbox, await signInToken(db, mailbox, { now: () => input.now }));
      const { removed } = await removeExpiredCopies(db, mailbox, login, input.now);
      summary.cleaned++;
      summary.removed += removed;
    } catch (error) {
      summary.failed.push({ mailboxId, ...classifyMailError(error) });
    } finally {
      await releaseLease(db, { mailboxId, owner: input.owner });
    }
  }
  return summary;
}
