import type { Database } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import type { MailServerLogin } from "@/lib/mail/types";
import { withTenant } from "@/db/tenant";
import { connectImap, countMarkedDeleted, ensureFolder, fetchNewMessages, moveMessages } from "@/lib/mail/imap";
import { inboundKey } from "@/lib/inbound/store";
import { ingestFetchedMail, type PollOptions, targetFolder } from "./ingest";
import { moreWaiting, type PollTally, recordSyncState, tally } from "./poll-state";

/**
 * One IMAP poll: the UIDs above the last one handled (all of them after a UIDVALIDITY change), at
 * most `limit`, lowest first (`more` when mail is left for the next poll). Each mail is stored and
 * processed before it is moved, and the last UID only advances past a mail once it is fully
 * handled, so a crash anywhere leaves it to be seen again and recognised. A mail whose processing
 * failed (to be retried) stays where it is. On a server that cannot expunge only our mail, a moved
 * mail may stay in the folder marked deleted (imap.ts removalPlan): the mailbox counts them, for
 * the Dispatcher page to say so.
 */
export async function pollImapMailbox(db: Database, mailbox: Mailbox, login: MailServerLogin, options: PollOptions) {
  const client = await connectImap(login);
  const counts: PollTally = tally();
  try {
    const fetched = await fetchNewMessages(
      client,
      mailbox.folder,
      { uidValidity: mailbox.uidValidity, lastUid: mailbox.lastUid },
      { limit: options.limit },
    );
    const resync = mailbox.uidValidity !== null && fetched.uidValidity !== mailbox.uidValidity;
    let lastUid = resync ? null : mailbox.lastUid;
    let blocked = false;
    let leftFlagged = 0;
    for (const folder of [mailbox.processedFolder, mailbox.unprocessedFolder]) {
      if (folder) await ensureFolder(client, folder);
    }
    for (const message of fetched.messages) {
      const result = await ingestFetchedMail(
        db,
        mailbox,
        {
          uniqueKey: inboundKey.imap(mailbox.id, fetched.uidValidity, message.uid),
          raw: message.raw,
          uidValidity: fetched.uidValidity,
          uid: message.uid,
        },
        options,
      );
      counts.add(result);
      if (result.outcome === "pending") {
        blocked = true;
        continue;
      }
      const target = targetFolder(mailbox, result);
      if (target && target !== mailbox.folder) {
        if ((await moveMessages(client, mailbox.folder, [message.uid], target)) === "leftFlagged") leftFlagged++;
      }
      await counts.acknowledge(db, mailbox, result.inboundEmailId, options.now());
      options.checkpoint?.("acknowledged");
      if (!blocked) lastUid = message.uid;
    }
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
    await client.logout().catch(() => client.close());
  }
}
