import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { type Mailbox, mailboxes } from "@/db/schema";
import { withTenant } from "@/db/tenant";
import { classifyMailError } from "@/lib/mail/connection-error";
import { NotFoundError } from "@/lib/errors";
import type { PollOptions } from "./ingest";
import { pollImapMailbox } from "./poll-imap";
import { pollPop3Mailbox } from "./poll-pop3";
import { type PollSummary, recordPollFailure } from "./poll-state";

/** Mails handled per poll: a large backlog drains over several polls instead of one endless one. */
export const POLL_BATCH = 100;

export type PollResult =
  | ({ mailboxId: string; ok: true; resync: boolean } & PollSummary)
  | { mailboxId: string; ok: false; failure: string; detail: string; nextPollAt: Date };

export async function loadMailbox(db: Database, tenantId: string, mailboxId: string): Promise<Mailbox> {
  const [mailbox] = await withTenant(db, tenantId, (tx) =>
    tx.select().from(mailboxes).where(and(eq(mailboxes.tenantId, tenantId), eq(mailboxes.id, mailboxId))),
  );
  if (!mailbox) throw new NotFoundError("mailbox");
  return mailbox;
}

/**
 * Polls one mailbox now. A server that cannot be reached or refuses the login is recorded on the
 * mailbox (error, since when, when to try again) rather than thrown, so one broken mailbox never
 * stops the others.
 */
export async function pollMailbox(
  db: Database,
  input: { tenantId: string; mailboxId: string } & Partial<PollOptions>,
): Promise<PollResult> {
  const now = input.now ?? (() => new Date());
  const mailbox = await loadMailbox(db, input.tenantId, input.mailboxId);
  const options: PollOptions = { limit: input.limit ?? POLL_BATCH, now, checkpoint: input.checkpoint };
  try {
    const summary =
      mailbox.protocol === "imap" ? await pollImapMailbox(db, mailbox, options) : await pollPop3Mailbox(db, mailbox, options);
    return { mailboxId: mailbox.id, ok: true, ...summary };
  } catch (error) {
    const { failure, detail } = classifyMailError(error);
    const nextPollAt = await recordPollFailure(db, mailbox, { code: failure, detail, now: now() });
    return { mailboxId: mailbox.id, ok: false, failure, detail, nextPollAt };
  }
}
