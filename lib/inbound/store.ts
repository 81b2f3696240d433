import crypto from "node:crypto";
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { largeBytea } from "@/db/large-bytea";
import { type TenantScope, withTenant } from "@/db/tenant";
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

/**
 * An inbound email as it is read and returned everywhere: every column but the raw mail. The raw
 * bytes (up to the division's size limit, 100 MB) are read only where a mail is parsed
 * (readRawMail), never along with a row, so they sit in memory once.
 */
export type InboundEmailRecord = Omit<InboundEmail, "raw">;
const { raw: _raw, ...recordColumns } = getTableColumns(inboundEmails);
export const inboundEmailRecord = recordColumns;

/**
 * Slices the raw mail is read back in. The drivers receive bytea as hex text, and postgres.js
 * gathers a whole row before decoding it: read in one piece, a 30 MB mail cost 230 MB at its peak.
 */
const RAW_READ_SLICE = 4 * 1024 * 1024;

/** The stored raw mail, read a slice at a time into one buffer of its size. */
export async function readRawMail(tx: Executor, scope: TenantScope, inboundEmailId: string): Promise<Buffer> {
  const ofThisEmail = and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, inboundEmailId));
  const [row] = await tx
    .select({ length: sql<number>`octet_length(${inboundEmails.raw})`.mapWith(Number) })
    .from(inboundEmails)
    .where(ofThisEmail);
  if (!row) throw new Error(`Inbound email ${inboundEmailId} not found in this tenant`);
  const raw = Buffer.allocUnsafe(row.length);
  for (let at = 0; at < row.length; at += RAW_READ_SLICE) {
    const [slice] = await tx
      .select({ bytes: sql<Buffer>`substring(${inboundEmails.raw} from ${at + 1} for ${RAW_READ_SLICE})`.mapWith(inboundEmails.raw) })
      .from(inboundEmails)
      .where(ofThisEmail);
    if (!slice || slice.bytes.length !== Math.min(RAW_READ_SLICE, row.length - at)) {
      throw new Error(`Inbound email ${inboundEmailId} changed while it was read`);
    }
    slice.bytes.copy(raw, at);
  }
  return raw;
}

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
): Promise<{ email: InboundEmailRecord; created: boolean }> {
  return withTenant(db, mail.tenantId, async (tx) => {
    const raw = await largeBytea(tx, mail.raw);
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
        raw: raw.value,
        size: mail.raw.length,
        sha256: sha256(mail.raw),
      })
      .onConflictDoNothing({ target: [inboundEmails.divisionId, inboundEmails.uniqueKey] })
      .returning(inboundEmailRecord);
    await raw.release();
    if (inserted) return { email: inserted, created: true };
    const [existing] = await tx
      .select(inboundEmailRecord)
      .from(inboundEmails)
      .where(and(eq(inboundEmails.divisionId, mail.divisionId), eq(inboundEmails.uniqueKey, mail.uniqueKey)));
    if (!existing) throw new Error(`Inbound email ${mail.uniqueKey} neither inserted nor found`);
    return { email: existing, created: false };
  });
}
