import type { Database } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import { type ProcessResult, processInboundEmail } from "@/lib/inbound/process";
import { type IncomingMail, storeInboundEmail } from "@/lib/inbound/store";

/**
 * The points of a poll where a mail's state changes hands. Crash tests stop a poller at each of
 * them; nothing in the product listens.
 */
export type PollCheckpoint = "stored" | "processed" | "acknowledged";

export interface PollOptions {
  /** Mails handled at most by one poll. */
  limit: number;
  now: () => Date;
  checkpoint?: (point: PollCheckpoint) => void;
}

/**
 * Steps 3 and 4 of the flow for one fetched mail: stored (committed) first, then processed. Both are
 * idempotent, so a mail seen again after a crash comes back with the outcome it already has.
 */
export async function ingestFetchedMail(
  db: Database,
  mailbox: Mailbox,
  mail: Omit<IncomingMail, "tenantId" | "divisionId" | "mailboxId">,
  options: PollOptions,
): Promise<ProcessResult & { created: boolean }> {
  const { email, created } = await storeInboundEmail(db, {
    ...mail,
    tenantId: mailbox.tenantId,
    divisionId: mailbox.divisionId,
    mailboxId: mailbox.id,
  });
  options.checkpoint?.("stored");
  const result = await processInboundEmail(db, {
    tenantId: mailbox.tenantId,
    inboundEmailId: email.id,
    now: options.now(),
    raw: mail.raw,
  });
  options.checkpoint?.("processed");
  return { ...result, created };
}

/** Where an acknowledged mail goes: unprocessed mail to its folder, the rest to the processed one. */
export function targetFolder(mailbox: Mailbox, result: ProcessResult): string | null {
  return result.outcome === "unprocessed" ? mailbox.unprocessedFolder : mailbox.processedFolder;
}
