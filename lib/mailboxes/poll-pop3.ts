import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { inboundEmails, type Mailbox } from "@/db/schema";
import { withTenant } from "@/db/tenant";
import { inboundKey } from "@/lib/inbound/store";
import { connectPop3 } from "@/lib/mail/pop3";
import { inboundLogin } from "./mailboxes";
import { ingestFetchedMail, type PollOptions } from "./ingest";
import { type PollTally, recordSyncState, tally } from "./poll-state";

/**
 * One POP3 poll. Mails whose UIDL is new are downloaded, stored and processed, at most `limit`.
 * Then, by the mailbox's retention: deleted (DELE, which the server commits only at QUIT, after our
 * commit), or left on the server and remembered as seen. Unprocessed mail is never deleted: it stays
 * on the server, remembered. A crash before QUIT deletes nothing, and the next poll recognises
 * every mail it stored. A kept copy is removed once it is older than the mailbox's
 * "remove after N days", counted from when Postdesk received it.
 */
export async function pollPop3Mailbox(db: Database, mailbox: Mailbox, options: PollOptions) {
  const session = await connectPop3(inboundLogin(mailbox));
  const counts: PollTally = tally();
  try {
    const listing = await session.uidl();
    const onServer = new Set(listing.map((entry) => entry.uidl));
    // Seen UIDLs no longer on the server are forgotten, so the list stays as long as the mailbox.
    const seen = new Set(mailbox.seenUidls.filter((uidl) => onServer.has(uidl)));
    const known = await handledBefore(db, mailbox, listing.map((entry) => entry.uidl));
    const deleted: string[] = [];
    let handled = 0;

    const keepUntil = mailbox.pop3RemoveAfterDays
      ? new Date(options.now().getTime() - mailbox.pop3RemoveAfterDays * 86_400_000)
      : null;
    for (const { number, uidl } of listing) {
      const before = known.get(uidl);
      if (seen.has(uidl)) {
        if (keepUntil && before && before.outcome !== "unprocessed" && before.receivedAt < keepUntil) {
          await session.dele(number);
          deleted.push(uidl);
          seen.delete(uidl);
        }
        continue;
      }
      if (before?.outcome === "unprocessed") {
        seen.add(uidl);
        continue;
      }
      if (before !== undefined && before.outcome !== "pending" && !mailbox.pop3LeaveCopy) {
        // Stored and processed by a poll that died before QUIT: only the delete is missing.
        await session.dele(number);
        deleted.push(uidl);
        continue;
      }
      if (handled >= options.limit) break;
      handled++;
      const raw = await session.retr(number);
      const result = await ingestFetchedMail(
        db,
        mailbox,
        { uniqueKey: inboundKey.pop3(mailbox.id, uidl), raw, uidl },
        options,
      );
      counts.add(result);
      if (result.outcome === "pending") continue;
      if (result.outcome === "unprocessed" || mailbox.pop3LeaveCopy) {
        seen.add(uidl);
        await counts.acknowledge(db, mailbox, result.inboundEmailId, options.now());
      } else {
        await session.dele(number);
        deleted.push(uidl);
      }
    }
    await session.quit();
    // QUIT succeeded: the deletions are committed on the server.
    if (deleted.length > 0) await markAcknowledged(db, mailbox, deleted, options.now(), counts);
    options.checkpoint?.("acknowledged");
    await withTenant(db, mailbox.tenantId, (tx) =>
      recordSyncState(tx, mailbox, { seenUidls: [...seen], now: options.now() }),
    );
    return { ...counts.summary(), resync: false };
  } finally {
    session.close();
  }
}

/** The outcome of every UIDL on the server that this mailbox already stored, and when it came. */
async function handledBefore(db: Database, mailbox: Mailbox, uidls: string[]) {
  if (uidls.length === 0) return new Map<string, { outcome: string; receivedAt: Date }>();
  const rows = await withTenant(db, mailbox.tenantId, (tx) =>
    tx
      .select({ uidl: inboundEmails.uidl, outcome: inboundEmails.outcome, receivedAt: inboundEmails.receivedAt })
      .from(inboundEmails)
      .where(
        and(
          eq(inboundEmails.tenantId, mailbox.tenantId),
          eq(inboundEmails.divisionId, mailbox.divisionId),
          inArray(
            inboundEmails.uniqueKey,
            uidls.map((uidl) => inboundKey.pop3(mailbox.id, uidl)),
          ),
        ),
      ),
  );
  return new Map(rows.map((row) => [row.uidl ?? "", { outcome: row.outcome, receivedAt: row.receivedAt }]));
}

/** Deleted from the server: acknowledged now, unless a kept copy was acknowledged when processed. */
async function markAcknowledged(db: Database, mailbox: Mailbox, uidls: string[], now: Date, counts: PollTally) {
  const rows = await withTenant(db, mailbox.tenantId, (tx) =>
    tx
      .update(inboundEmails)
      .set({ acknowledgedAt: now })
      .where(
        and(
          eq(inboundEmails.tenantId, mailbox.tenantId),
          eq(inboundEmails.divisionId, mailbox.divisionId),
          isNull(inboundEmails.acknowledgedAt),
          inArray(
            inboundEmails.uniqueKey,
            uidls.map((uidl) => inboundKey.pop3(mailbox.id, uidl)),
          ),
        ),
      )
      .returning({ id: inboundEmails.id }),
  );
  counts.summary().acknowledged += rows.length;
}
