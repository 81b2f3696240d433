import crypto from "node:crypto";
import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Database, Executor, Transaction } from "@/db/client";
import { BYTEA_SLICE, largeBytea } from "@/db/large-bytea";
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
 * Mails taken in at once, by a poll (lib/dispatch/poll.ts) or an import: at most this many, and at
 * most this many bytes of them (a single bigger mail goes alone). A larger backlog drains over
 * several batches; what a batch holds in memory is its raw mail and a parse or two.
 */
export const INGEST_BATCH = { mails: 100, bytes: 16 * 1024 * 1024 };

/** Raw bytes sent in one multi-row INSERT: a batch of small mails in one statement, never a huge one. */
const INSERT_BYTES = 4 * 1024 * 1024;

/** A stored mail: its row, and whether this call stored it (`false`: it was there already). */
export interface StoredEmail {
  email: InboundEmailRecord;
  created: boolean;
}

/**
 * Step 3 of the flow: the raw mails, exactly as received, committed before anything is made of
 * them, a poll's batch in one transaction. Storing the same mail again (a crash before the server
 * was told, a re-import) returns the row already there: `created` says which. Results come in the
 * order of `mails`, all of one tenant.
 */
export async function storeInboundEmails(db: Database, tenantId: string, mails: IncomingMail[]): Promise<StoredEmail[]> {
  if (mails.length === 0) return [];
  return withTenant(db, tenantId, async (tx) => {
    const inserted = new Map<string, InboundEmailRecord>();
    for (const group of insertGroups(mails)) {
      for (const row of await insertNew(tx, group)) inserted.set(storeKey(row), row);
    }
    const existing = await existingRows(
      tx,
      tenantId,
      mails.filter((mail) => !inserted.has(storeKey(mail))),
    );
    // A key twice in one batch is stored once: the first is new, the second finds it.
    const claimed = new Set<string>();
    return mails.map((mail) => {
      const key = storeKey(mail);
      const email = inserted.get(key) ?? existing.get(key);
      if (!email) throw new Error(`Inbound email ${mail.uniqueKey} neither inserted nor found`);
      const created = inserted.has(key) && !claimed.has(key);
      claimed.add(key);
      return { email, created };
    });
  });
}

/** One mail: storeInboundEmails for a batch of one. */
export async function storeInboundEmail(db: Database, mail: IncomingMail): Promise<StoredEmail> {
  const [stored] = await storeInboundEmails(db, mail.tenantId, [mail]);
  return stored!;
}

/** Mails in INSERT-sized groups; a mail bigger than a bytea slice goes alone (largeBytea). */
function insertGroups(mails: IncomingMail[]): IncomingMail[][] {
  const groups: IncomingMail[][] = [];
  let group: IncomingMail[] = [];
  let bytes = 0;
  for (const mail of mails) {
    if (mail.raw.length > BYTEA_SLICE) {
      groups.push([mail]);
      continue;
    }
    if (group.length > 0 && bytes + mail.raw.length > INSERT_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(mail);
    bytes += mail.raw.length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

async function insertNew(tx: Transaction, group: IncomingMail[]): Promise<InboundEmailRecord[]> {
  const raws = await Promise.all(group.map((mail) => largeBytea(tx, mail.raw)));
  const rows = await tx
    .insert(inboundEmails)
    .values(
      group.map((mail, i) => ({
        tenantId: mail.tenantId,
        divisionId: mail.divisionId,
        mailboxId: mail.mailboxId,
        uniqueKey: mail.uniqueKey,
        uidValidity: mail.uidValidity ?? null,
        uid: mail.uid ?? null,
        uidl: mail.uidl ?? null,
        raw: raws[i]!.value,
        size: mail.raw.length,
        sha256: sha256(mail.raw),
      })),
    )
    .onConflictDoNothing({ target: [inboundEmails.divisionId, inboundEmails.uniqueKey] })
    .returning(inboundEmailRecord);
  for (const raw of raws) await raw.release();
  return rows;
}

async function existingRows(tx: Transaction, tenantId: string, mails: IncomingMail[]): Promise<Map<string, InboundEmailRecord>> {
  if (mails.length === 0) return new Map();
  const rows = await tx
    .select(inboundEmailRecord)
    .from(inboundEmails)
    .where(
      and(
        eq(inboundEmails.tenantId, tenantId),
        inArray(inboundEmails.divisionId, [...new Set(mails.map((mail) => mail.divisionId))]),
        inArray(inboundEmails.uniqueKey, [...new Set(mails.map((mail) => mail.uniqueKey))]),
      ),
    );
  return new Map(rows.map((row) => [storeKey(row), row]));
}

/** What the store's unique index (inbound_emails_division_key) tells mails apart by. */
function storeKey(mail: { divisionId: string; uniqueKey: string }): string {
  return `${mail.divisionId}\n${mail.uniqueKey}`;
}
