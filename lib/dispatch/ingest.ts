import type { Database } from "@/db/client";
import type { Mailbox } from "@/db/schema";
import { loadInboundContext, type ProcessResult, processStoredEmails } from "@/lib/inbound/process";
import { type IncomingMail, storeInboundEmails } from "@/lib/inbound/store";

/**
 * The points of a poll where a mail's state changes hands. Crash tests stop a poller at each of
 * them; nothing in the product listens. Each is passed once per mail.
 */
export type PollCheckpoint = "stored" | "processed" | "acknowledged";

export interface PollOptions {
  /** Mails handled at most by one poll. */
  limit: number;
  /** Bytes of mail fetched at most by one poll (a single bigger mail goes alone). */
  maxBytes: number;
  now: () => Date;
  checkpoint?: (point: PollCheckpoint) => void;
  /**
   * Asked before each mail is fetched (lease.ts pollGoesOn): false when the mailbox was removed or
   * switched off meanwhile, and the poll stops there, leaving the rest on the server.
   */
  goesOn?: () => Promise<boolean>;
}

export type FetchedMail = Omit<IncomingMail, "tenantId" | "divisionId" | "mailboxId">;
export type IngestResult = ProcessResult & { created: boolean };

/**
 * Steps 3 and 4 of the flow for a batch of fetched mails: all stored (one commit) first, then each
 * processed in its own transaction, in the order fetched. Both steps are idempotent, so a mail seen
 * again after a crash comes back with the outcome it already has.
 */
export async function ingestFetchedMails(
  db: Database,
  mailbox: Mailbox,
  mails: FetchedMail[],
  options: PollOptions,
): Promise<IngestResult[]> {
  if (mails.length === 0) return [];
  const stored = await storeInboundEmails(
    db,
    mailbox.tenantId,
    mails.map((mail) => ({ ...mail, tenantId: mailbox.tenantId, divisionId: mailbox.divisionId, mailboxId: mailbox.id })),
  );
  for (const _ of stored) options.checkpoint?.("stored");
  const context = await loadInboundContext(db, mailbox.tenantId, { divisionId: mailbox.divisionId, mailboxId: mailbox.id });
  const results = await processStoredEmails(
    db,
    context,
    stored.map(({ email }, i) => ({ email, raw: mails[i]!.raw })),
    { now: options.now, onProcessed: () => options.checkpoint?.("processed") },
  );
  return results.map((result, i) => ({ ...result, created: stored[i]!.created }));
}

/** Where an acknowledged mail goes: unprocessed mail to its folder, the rest to the processed one. */
export function targetFolder(mailbox: Mailbox, result: ProcessResult): string | null {
  return result.outcome === "unprocessed" ? mailbox.unprocessedFolder : mailbox.processedFolder;
}
