import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { withTenant } from "@/db/tenant";
import { type InboundEmail, inboundEmails } from "@/db/schema";

export interface IncomingMail {
  tenantId: string;
  divisionId: string;
  mailboxId: string | null;
  /** `imap:<mailbox>:<uidvalidity>:<uid>`, `pop3:<mailbox>:<uidl>` or `import:<sha256>`. */
  uniqueKey: string;
  raw: Buffer;
  uidValidity?: number | null;
  uid?: number | null;
  uidl?: string | null;
}

export const inboundKey = {
  imap: (mailboxId: string, uidValidity: number, uid: number) => `imap:${mailboxId}:${uidValidity}:${uid}`,
  pop3: (mailboxId: string, uidl: string) => `pop3:${mailboxId}:${uidl}`,
  import: (raw: Buffer) => `import:${sha256(raw)}`,
};

export function sha256(raw: Buffer): string {
  return crypto.createHash("sha256").update(raw).digest("hex");
}

/**
 * Step 3 of the flow: the raw mail, exactly as received, committed before anything is made of it.
 * Storing the same mail again (a crash before the server was told, a re-import) returns the row
 * already there: `created` says which.
 */
export async function storeInboundEmail(
  db: Database,
  mail: IncomingMail,
): Promise<{ email: InboundEmail; created: boolean }> {
  return withTenant(db, mail.tenantId, async (tx) => {
    const [inserted] = await tx
      .insert(inboundEmails)
      .values({
        tenantId: mail.tenantId,
        divisionId: mail.divisionId,
        mailboxId: mail.mailboxId,
        uniqueKey: mail.uniqueKey,
        uidValidity: mail.uidValidity ?? null,
        uid: mail.uid ?? null,
        uidl: mail.uidl ?? null,
        raw: mail.raw,
        size: mail.raw.length,
        sha256: sha256(mail.raw),
      })
      .onConflictDoNothing({ target: [inboundEmails.divisionId, inboundEmails.uniqueKey] })
      .returning();
    if (inserted) return { email: inserted, created: true };
    const [existing] = await tx
      .select()
      .from(inboundEmails)
      .where(and(eq(inboundEmails.divisionId, mail.divisionId), eq(inboundEmails.uniqueKey, mail.uniqueKey)));
    if (!existing) throw new Error(`Inbound email ${mail.uniqueKey} neither inserted nor found`);
    return { email: existing, created: false };
  });
}
