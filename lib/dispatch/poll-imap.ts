import type { ImapFlow } from "imapflow";
import type { Database } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import type { MailServerLogin } from "@/lib/mail/types";
import { withTenant } from "@/db/tenant";
import { connectImap, countMarkedDeleted, ensureFolder, fetchNewMessages, moveMessages } from "@/lib/mail/imap";
import { inboundKey } from "@/lib/inbound/store";
import { type IngestResult, ingestFetchedMails, type PollOptions, targetFolder } from "./ingest";
import { moreWaiting, type PollTally, recordSyncState, tally } from "./poll-state";

/**
 * The connection a worker holds the mailbox in IDLE with (lib/mail/imap.ts watchFolder), which a
 * poll uses and leaves open: no login, and when nothing is new a NOOP and a FETCH. `reselect`: the
 * poll is the schedule's, not an announcement's, and selects the folder anew first, since a
 * server need not show over a held connection mail its IDLE did not announce (GNU Mailutils
 * imap4d shows it only to a new SELECT).
 */
export interface HeldConnection {
  client: ImapFlow;
  reselect: boolean;
}

/** The connection a poll runs over: its own, logged out after it, or a held one. */
export type ImapSession = { login: MailServerLogin } | { held: HeldConnection };

/**
 * One IMAP poll: the UIDs above the last one handled (all of them after a UIDVALIDITY change), at
 * most a batch (`more` when mail is left for the next poll), lowest first. The batch is stored and
 * processed before any of it is moved, one MOVE per target folder, and the last UID only advances
 * past a mail once it is fully handled, so a crash anywhere leaves it to be seen again and
 * recognised. A mail whose processing failed (to be retried) stays where it is, and so does every
 * mail after it as far as the last UID is concerned. On a server that cannot expunge only our mail,
 * a moved mail may stay in the folder marked deleted (imap.ts removalPlan): the mailbox counts
 * them, for the Dispatcher page to say so.
 */
export async function pollImapMailbox(db: Database, mailbox: Mailbox, session: ImapSession, options: PollOptions) {
  const client = "held" in session ? session.held.client : await connectImap(session.login);
  const counts: PollTally = tally();
  try {
    const fetched = await fetchNewMessages(
      client,
      mailbox.folder,
      { uidValidity: mailbox.uidValidity, lastUid: mailbox.lastUid },
      { limit: options.limit, maxBytes: options.maxBytes, reselect: "held" in session && session.held.reselect },
    );
    // Removed or switched off while the batch was fetched: none of it is stored, all of it stays on
    // the server, and the sync state is left as it was.
    if (options.goesOn && fetched.messages.length > 0 && !(await options.goesOn())) {
      return { ...counts.summary(), resync: false, more: false };
    }
    const resync = mailbox.uidValidity !== null && fetched.uidValidity !== mailbox.uidValidity;
    if (!mailbox.firstDownloadAt) {
      // Made by the first poll, so that the user sees them in their mail client from the start;
      // later polls make one only when mail is moved there and it has gone.
      for (const folder of [mailbox.processedFolder, mailbox.unprocessedFolder]) {
        if (folder) await ensureFolder(client, folder);
      }
    }
    const results = await ingestFetchedMails(
      db,
      mailbox,
      fetched.messages.map((message) => ({
        uniqueKey: inboundKey.imap(mailbox.id, fetched.uidValidity, message.uid),
        raw: message.raw,
        uidValidity: fetched.uidValidity,
        uid: message.uid,
      })),
      options,
    );
    for (const result of results) counts.add(result);

    const handled = fetched.messages.flatMap((message, i) => (results[i]!.outcome === "pending" ? [] : [{ uid: message.uid, result: results[i]! }]));
    const firstPending = results.findIndex((result) => result.outcome === "pending");
    const lastHandled = fetched.messages[(firstPending < 0 ? results.length : firstPending) - 1];
    const lastUid = lastHandled?.uid ?? (resync ? null : mailbox.lastUid);

    let leftFlagged = 0;
    for (const [target, uids] of byTargetFolder(mailbox, handled)) {
      await ensureFolder(client, target);
      if ((await moveMessages(client, mailbox.folder, uids, target)) === "leftFlagged") leftFlagged += uids.length;
    }
    await counts.acknowledge(db, mailbox, handled.map(({ result }) => result.inboundEmailId), options.now());
    for (const _ of handled) options.checkpoint?.("acknowledged");

    // Mail left marked deleted goes with the next EXPUNGE, whoever sends it: count what is left of it.
    const stillFlagged =
      leftFlagged === 0 && mailbox.leftFlagged > 0
        ? Math.min(mailbox.leftFlagged, await countMarkedDeleted(client, mailbox.folder))
        : mailbox.leftFlagged + leftFlagged;
    const more = moreWaiting(fetched.hasMore, counts.summary());
    await withTenant(db, mailbox.tenantId, (tx) =>
      recordSyncState(tx, mailbox, { uidValidity: fetched.uidValidity, lastUid, leftFlagged: stillFlagged, more, now: options.now() }),
    );
    return { ...counts.summary(), resync, more };
  } finally {
    if (!("held" in session)) await client.logout().catch(() => client.close());
  }
}

/** The handled mails' UIDs by the folder each goes to; mail that stays where it is has none. */
function byTargetFolder(mailbox: Mailbox, handled: { uid: number; result: IngestResult }[]): Map<string, number[]> {
  const moves = new Map<string, number[]>();
  for (const { uid, result } of handled) {
    const target = targetFolder(mailbox, result);
    if (!target || target === mailbox.folder) continue;
    moves.set(target, [...(moves.get(target) ?? []), uid]);
  }
  return moves;
}
