import type { Database } from "@/db/client";
import type { InboundOutcome } from "@/db/schema";
import { mailFiles, mailsInFile } from "./mail-sources";
import { processInboundEmail } from "./process";
import { inboundKey, storeInboundEmail } from "./store";

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
 * by the division's rules). Each mail's key is its SHA-256, so importing again creates nothing new.
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
  let done = 0;
  for (const file of files) {
    for (const mail of mailsInFile(file)) {
      const { email, created } = await storeInboundEmail(db, {
        tenantId: input.tenantId,
        divisionId: input.divisionId,
        mailboxId: null,
        uniqueKey: inboundKey.import(mail.raw),
        raw: mail.raw,
      });
      if (created) summary.imported++;
      else summary.alreadyImported++;
      const result = await processInboundEmail(db, {
        tenantId: input.tenantId,
        inboundEmailId: email.id,
        now: input.now?.(),
        raw: mail.raw,
      });
      summary.outcomes[result.outcome] = (summary.outcomes[result.outcome] ?? 0) + 1;
      input.onProgress?.({ done: ++done, total, source: mail.source });
    }
  }
  return summary;
}
