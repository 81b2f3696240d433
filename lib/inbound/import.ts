import type { Database } from "@/db/client";
import type { InboundOutcome } from "@/db/schema";
import { mailFiles, mailsInFile, type SourceMail } from "./mail-sources";
import { loadInboundContext, processStoredEmails } from "./process";
import { INGEST_BATCH, inboundKey, storeInboundEmails } from "./store";

export interface ImportProgress {
  done: number;
  total: number;
  source: string;
}

export interface ImportSummary {
  total: number;
  /** Mails stored by this run; the rest were imported before and changed nothing. */
  imported: number;
  alreadyImported: number;
  outcomes: Partial<Record<InboundOutcome, number>>;
}

/**
 * Imports mail files into a division through the same pipeline as polled mail (store, then process
 * by the division's rules), a batch at a time. Each mail's key is its SHA-256, so importing again
 * creates nothing new.
 */
export async function importMails(
  db: Database,
  input: {
    tenantId: string;
    divisionId: string;
    paths: string[];
    onProgress?: (progress: ImportProgress) => void;
    now?: () => Date;
  },
): Promise<ImportSummary> {
  const files = mailFiles(input.paths);
  // Counted first for the progress bar; each file is then read again, one at a time, so a large
  // mbox never sits in memory whole beside the others.
  const total = files.reduce((sum, file) => sum + mailsInFile(file).length, 0);
  const summary: ImportSummary = { total, imported: 0, alreadyImported: 0, outcomes: {} };
  const context = await loadInboundContext(db, input.tenantId, { divisionId: input.divisionId, mailboxId: null });
  const now = input.now ?? (() => new Date());
  let done = 0;
  let batch: SourceMail[] = [];
  let bytes = 0;
  const flush = async () => {
    const stored = await storeInboundEmails(
      db,
      input.tenantId,
      batch.map((mail) => ({
        tenantId: input.tenantId,
        divisionId: input.divisionId,
        mailboxId: null,
        uniqueKey: inboundKey.import(mail.raw),
        raw: mail.raw,
      })),
    );
    for (const { created } of stored) {
      if (created) summary.imported++;
      else summary.alreadyImported++;
    }
    // Mails are processed side by side, so each reports its own file as it is done.
    const sources = new Map(stored.map(({ email }, i) => [email.id, batch[i]!.source]));
    await processStoredEmails(
      db,
      context,
      stored.map(({ email }, i) => ({ email, raw: batch[i]!.raw })),
      {
        now,
        onProcessed: (result) => {
          summary.outcomes[result.outcome] = (summary.outcomes[result.outcome] ?? 0) + 1;
          input.onProgress?.({ done: ++done, total, source: sources.get(result.inboundEmailId) ?? "" });
        },
      },
    );
    batch = [];
    bytes = 0;
  };
  for (const file of files) {
    for (const mail of mailsInFile(file)) {
      batch.push(mail);
      bytes += mail.raw.length;
      if (batch.length >= INGEST_BATCH.mails || bytes >= INGEST_BATCH.bytes) await flush();
    }
  }
  if (batch.length > 0) await flush();
  return summary;
}
