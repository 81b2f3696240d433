import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { inboundEmails, type Mailbox } from "@/db/schema";
import { withTenant } from "@/db/tenant";
import { inboundKey } from "@/lib/inbound/store";
import { connectPop3, type Pop3Session } from "@/lib/mail/pop3";
import type { MailServerLogin } from "@/lib/mail/types";
import { ingestFetchedMails, type PollOptions } from "./ingest";
import { moreWaiting, type PollTally, recordSyncState, tally } from "./poll-state";

/**
 * One POP3 poll. Mails whose UIDL is new are downloaded, stored and processed, at most `limit`
 * (`more` when new mail is left for the next poll).
 * Then, by the mailbox's retention: deleted (DELE, which the server commits only at QUIT, after our
 * commit), or left on the server and remembered as seen. Unprocessed mail is never deleted: it stays
 * on the server, remembered. A crash before QUIT deletes nothing, and the next poll recognises
 * every mail it stored. A kept copy is removed once it is older than the mailbox's
 * "remove after N days", counted from when Postdesk received it (markExpiredCopies), by every poll
 * and by the hourly cleanup (removeExpiredCopies). So is a kept copy whose mail was deleted for good
 * here, when the mailbox removes copies "when deleted here" (markRemovedCopies).
 */
export async function pollPop3Mailbox(db: Database, mailbox: Mailbox, login: MailServerLogin, options: PollOptions) {
  const session = await connectPop3(login);
  const counts: PollTally = tally();
  try {
    const inbox = await readInbox(db, session, mailbox);
    const { seen, known } = inbox;
    const expired = new Set(await markExpiredCopies(session, mailbox, inbox, options.now()));
    const removed = await markRemovedCopies(db, session, mailbox, inbox, expired);
    for (const uidl of removed.uidls) expired.add(uidl);
    for (const uidl of expired) seen.delete(uidl);
    const deleted: string[] = [...expired];
    const toFetch: { number: number; uidl: string }[] = [];
    let hasMore = false;
    for (const entry of inbox.listing) {
      const { number, uidl } = entry;
      if (seen.has(uidl) || expired.has(uidl)) continue;
      const before = known.get(uidl);
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
      if (toFetch.length >= options.limit) {
        hasMore = true;
        break;
      }
      toFetch.push(entry);
    }

    // Downloaded and ingested a byte budget at a time; DELE takes effect only at QUIT, after every commit.
    // A mailbox removed or switched off meanwhile stops before its next mail: what is left stays on
    // the server, and what was handled is still acknowledged below.
    let stopped = false;
    for (let next = 0; next < toFetch.length && !stopped; ) {
      const batch: { number: number; uidl: string; raw: Buffer }[] = [];
      let bytes = 0;
      while (next < toFetch.length && (batch.length === 0 || bytes < options.maxBytes)) {
        if (options.goesOn && !(await options.goesOn())) {
          stopped = true;
          break;
        }
        const entry = toFetch[next++]!;
        const raw = await session.retr(entry.number);
        batch.push({ ...entry, raw });
        bytes += raw.length;
      }
      if (batch.length === 0) break;
      const results = await ingestFetchedMails(
        db,
        mailbox,
        batch.map(({ uidl, raw }) => ({ uniqueKey: inboundKey.pop3(mailbox.id, uidl), raw, uidl })),
        options,
      );
      const kept: string[] = [];
      for (const [i, result] of results.entries()) {
        const { number, uidl } = batch[i]!;
        counts.add(result);
        if (result.outcome === "pending") continue;
        if (result.outcome === "unprocessed" || mailbox.pop3LeaveCopy) {
          seen.add(uidl);
          kept.push(result.inboundEmailId);
        } else {
          await session.dele(number);
          deleted.push(uidl);
        }
      }
      await counts.acknowledge(db, mailbox, kept, options.now());
    }
    await session.quit();
    // QUIT succeeded: the deletions are committed on the server.
    if (deleted.length > 0) counts.summary().acknowledged += await markAcknowledged(db, mailbox, deleted, options.now());
    await clearRemoved(db, mailbox, removed.ids, options.now());
    options.checkpoint?.("acknowledged");
    const more = !stopped && moreWaiting(hasMore, counts.summary());
    await withTenant(db, mailbox.tenantId, (tx) =>
      recordSyncState(tx, mailbox, { seenUidls: [...seen], more, now: options.now() }),
    );
    return { ...counts.summary(), resync: false, more };
  } finally {
    session.close();
  }
}

/**
 * The mailbox's retention on its own, without fetching anything: kept copies older than "remove
 * after N days", and those whose mail was deleted for good here ("remove when deleted"), are
 * deleted from the server. For the hourly cleanup; the caller holds the lease.
 */
export async function removeExpiredCopies(
  db: Database,
  mailbox: Mailbox,
  login: MailServerLogin,
  now: Date,
): Promise<{ removed: number }> {
  if (!mailbox.pop3RemoveAfterDays && !mailbox.pop3RemoveWhenDeleted) return { removed: 0 };
  const session = await connectPop3(login);
  try {
    const inbox = await readInbox(db, session, mailbox);
    const expired = await markExpiredCopies(session, mailbox, inbox, now);
    const removed = await markRemovedCopies(db, session, mailbox, inbox, new Set(expired));
    await session.quit();
    // Kept copies were acknowledged when processed; this only covers one that somehow was not.
    if (expired.length > 0) await markAcknowledged(db, mailbox, expired, now);
    await clearRemoved(db, mailbox, removed.ids, now);
    return { removed: expired.length + removed.uidls.length };
  } finally {
    session.close();
  }
}

/** What the server holds, and what Postdesk knows of it. */
interface Pop3Inbox {
  listing: { number: number; uidl: string }[];
  /** Mails left on the server on purpose (kept copies, unprocessed mail) and still there. */
  seen: Set<string>;
  known: Map<string, { outcome: string; receivedAt: Date }>;
}

async function readInbox(db: Database, session: Pop3Session, mailbox: Mailbox): Promise<Pop3Inbox> {
  const listing = await session.uidl();
  const onServer = new Set(listing.map((entry) => entry.uidl));
  // Seen UIDLs no longer on the server are forgotten, so the list stays as long as the mailbox.
  const seen = new Set(mailbox.seenUidls.filter((uidl) => onServer.has(uidl)));
  const known = await handledBefore(db, mailbox, listing.map((entry) => entry.uidl));
  return { listing, seen, known };
}

/**
 * Marks for deletion (DELE; the server deletes at QUIT) the kept copies received by Postdesk more
 * than the mailbox's "remove after N days" before `now`. Unprocessed mail is never removed. Returns
 * the UIDLs marked.
 */
async function markExpiredCopies(session: Pop3Session, mailbox: Mailbox, inbox: Pop3Inbox, now: Date): Promise<string[]> {
  if (!mailbox.pop3RemoveAfterDays) return [];
  const keepUntil = new Date(now.getTime() - mailbox.pop3RemoveAfterDays * 86_400_000);
  const marked: string[] = [];
  for (const { number, uidl } of inbox.listing) {
    const before = inbox.known.get(uidl);
    if (!inbox.seen.has(uidl) || !before || before.outcome === "unprocessed" || before.receivedAt >= keepUntil) continue;
    await session.dele(number);
    marked.push(uidl);
  }
  return marked;
}

/**
 * Marks for deletion (DELE; the server deletes at QUIT) the kept copies of mail deleted for good
 * here, which purge flagged `remove_from_server` (lib/trash/purge.ts). Returns the UIDLs marked and
 * the ids of every flagged row, also those whose copy is already gone: clearRemoved unflags them
 * once QUIT has committed the deletions. A crash before that leaves the flags, and the next poll
 * or cleanup deletes again. `marked`: UIDLs this session already marked (a second DELE is an error).
 */
async function markRemovedCopies(
  db: Database,
  session: Pop3Session,
  mailbox: Mailbox,
  inbox: Pop3Inbox,
  marked: ReadonlySet<string>,
): Promise<{ uidls: string[]; ids: string[] }> {
  const flagged = await withTenant(db, mailbox.tenantId, (tx) =>
    tx
      .select({ id: inboundEmails.id, uidl: inboundEmails.uidl })
      .from(inboundEmails)
      .where(
        and(
          eq(inboundEmails.tenantId, mailbox.tenantId),
          eq(inboundEmails.mailboxId, mailbox.id),
          eq(inboundEmails.removeFromServer, true),
        ),
      ),
  );
  if (flagged.length === 0) return { uidls: [], ids: [] };
  const wanted = new Set(flagged.flatMap((row) => row.uidl ?? []));
  const uidls: string[] = [];
  for (const { number, uidl } of inbox.listing) {
    if (!wanted.has(uidl) || marked.has(uidl) || uidls.includes(uidl)) continue;
    await session.dele(number);
    uidls.push(uidl);
  }
  return { uidls, ids: flagged.map((row) => row.id) };
}

/** The copies are off the server (QUIT succeeded): unflagged, and acknowledged if they were not. */
async function clearRemoved(db: Database, mailbox: Mailbox, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await withTenant(db, mailbox.tenantId, (tx) =>
    tx
      .update(inboundEmails)
      .set({ removeFromServer: false, acknowledgedAt: sql`coalesce(${inboundEmails.acknowledgedAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(inboundEmails.tenantId, mailbox.tenantId), inArray(inboundEmails.id, ids))),
  );
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
async function markAcknowledged(db: Database, mailbox: Mailbox, uidls: string[], now: Date): Promise<number> {
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
  return rows.length;
}
