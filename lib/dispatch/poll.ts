import type { Database } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import { classifyMailError } from "@/lib/mail/connection-error";
import { INGEST_BATCH } from "@/lib/inbound/store";
import { getMailbox, inboundLogin } from "@/lib/mailboxes/mailboxes";
import { awaitsConnect, signInToken } from "@/lib/mailboxes/oauth-tokens";
import type { PollOptions } from "./ingest";
import { pollGoesOn } from "./lease";
import { type HeldConnection, pollImapMailbox } from "./poll-imap";
import { pollPop3Mailbox } from "./poll-pop3";
import { type PollSummary, recordPollFailure } from "./poll-state";

/**
 * Mails handled per poll (lib/inbound/store.ts INGEST_BATCH): a large backlog drains over several
 * polls instead of one endless one, each due at once after the one before (`more`), behind the
 * other mailboxes already due.
 */
export const POLL_BATCH = INGEST_BATCH.mails;

export type PollResult =
  /** `more`: the poll stopped at its batch limit with more mail waiting; the mailbox is due again now. */
  | ({ mailboxId: string; ok: true; resync: boolean; more: boolean } & PollSummary)
  | { mailboxId: string; ok: false; failure: string; detail: string; nextPollAt: Date }
  /** An OAuth2 mailbox whose account is not connected yet: nothing was tried, and nothing recorded. */
  | { mailboxId: string; ok: false; failure: "notConnected"; detail: string; nextPollAt: null }
  /** A removed mailbox: never polled again (lib/mailboxes/removal.ts), its login is gone. */
  | { mailboxId: string; ok: false; failure: "removed"; detail: string; nextPollAt: null };

/** The mailbox, read as the background work reads it: across tenants, bound to the mailbox's own. */
export function loadMailbox(db: Database, ref: { tenantId: string; mailboxId: string }): Promise<Mailbox> {
  return withTenant(db, ref.tenantId, (tx) => getMailbox(tx, operatorScope(ref.tenantId), ref.mailboxId));
}

/**
 * Polls one mailbox now. A server that cannot be reached or refuses the login is recorded on the
 * mailbox (error, since when, when to try again) rather than thrown, so one broken mailbox never
 * stops the others.
 */
export async function pollMailbox(
  db: Database,
  input: {
    tenantId: string;
    mailboxId: string;
    /** The IMAP connection the worker holds the mailbox in IDLE with, when it still stands. */
    held?: HeldConnection | null;
  } & Partial<PollOptions>,
): Promise<PollResult> {
  const now = input.now ?? (() => new Date());
  const mailbox = await loadMailbox(db, input);
  if (mailbox.removedAt) {
    return { mailboxId: mailbox.id, ok: false, failure: "removed", detail: "The mailbox was removed", nextPollAt: null };
  }
  // Asked for by name (the CLI): the dispatcher never picks it (lease.ts). A failure recorded now
  // would read "access withdrawn" and tell everyone to connect again an account never connected.
  if (awaitsConnect(mailbox)) {
    return { mailboxId: mailbox.id, ok: false, failure: "notConnected", detail: "Its account has not been connected yet", nextPollAt: null };
  }
  const options: PollOptions = {
    limit: input.limit ?? POLL_BATCH,
    maxBytes: input.maxBytes ?? INGEST_BATCH.bytes,
    now,
    checkpoint: input.checkpoint,
    goesOn: input.goesOn ?? (await pollGoesOn(db, mailbox.id)),
  };
  try {
    const login = async () => inboundLogin(mailbox, await signInToken(db, mailbox, { now }));
    const summary =
      mailbox.protocol === "pop3"
        ? await pollPop3Mailbox(db, mailbox, await login(), options)
        : await pollImapMailbox(db, mailbox, input.held ? { held: input.held } : { login: await login() }, options);
    return { mailboxId: mailbox.id, ok: true, ...summary };
  } catch (error) {
    const { failure, detail } = classifyMailError(error);
    const nextPollAt = await recordPollFailure(db, mailbox, { code: failure, detail, now: now() });
    return { mailboxId: mailbox.id, ok: false, failure, detail, nextPollAt };
  }
}
