import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { divisions, type InboundOutcome, inboundEmails, tickets, users } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";
import { readHeaderBlock } from "@/lib/mail/header-block";
import { parseEmail } from "@/lib/mail/parse";
import type { Address, ParsedAttachment } from "@/lib/mail/types";
import { inlineImagesOfParts } from "@/lib/tickets/inline-images";
import type { TenantScope } from "@/db/tenant";
import { parseStoredMail } from "./process";
import { readRawMail } from "./store";

/** One screen of the waiting list: the newest this many. */
export const WAITING_LIST_PAGE_SIZE = 50;

/**
 * How much of each stored mail is read for its From and Subject. Headers come first (RFC 5322 §2.1)
 * and are rarely more than a few kilobytes, so a page never loads the bodies and attachments.
 */
const HEADER_BYTES = 64 * 1024;

export interface WaitingEmail {
  id: string;
  divisionId: string;
  divisionName: string;
  receivedAt: Date;
  /** A WaitingReason code (automationMode, unknownSender, …). */
  reason: string | null;
  /** A release leaves an entry waiting again when the rules still hold it: who released it last. */
  decision: string | null;
  from: Address | null;
  /** Decoded; "" when the mail has none. */
  subject: string;
}

/** The inbound emails on the waiting list (not in the trash), newest first, of one division or all the tenant's. */
export async function listWaitingEmails(
  tx: Executor,
  scope: TenantScope,
  options: { divisionId?: string; limit?: number } = {},
): Promise<{ emails: WaitingEmail[]; total: number }> {
  const where = and(
    eq(inboundEmails.tenantId, scope.tenantId),
    eq(inboundEmails.outcome, "waiting_list"),
    isNull(inboundEmails.deletedAt),
    options.divisionId ? eq(inboundEmails.divisionId, options.divisionId) : undefined,
  );
  const rows = await tx
    .select({
      id: inboundEmails.id,
      divisionId: inboundEmails.divisionId,
      divisionName: divisions.name,
      receivedAt: inboundEmails.receivedAt,
      reason: inboundEmails.reason,
      decision: inboundEmails.decision,
      head: sql<Buffer>`substring(${inboundEmails.raw} from 1 for ${HEADER_BYTES})`.mapWith(inboundEmails.raw),
    })
    .from(inboundEmails)
    .innerJoin(divisions, and(eq(divisions.tenantId, inboundEmails.tenantId), eq(divisions.id, inboundEmails.divisionId)))
    .where(where)
    .orderBy(desc(inboundEmails.receivedAt), desc(inboundEmails.id))
    .limit(options.limit ?? WAITING_LIST_PAGE_SIZE);
  const [total] = await tx.select({ n: count() }).from(inboundEmails).where(where);

  const emails = await Promise.all(
    rows.map(async ({ head, ...row }) => {
      // The header block alone parses in no time, decoded exactly as the pipeline decodes it.
      const { bodyStart } = readHeaderBlock(head.toString("latin1"));
      const { from, subject } = await parseEmail(head.subarray(0, bodyStart));
      return { ...row, from, subject };
    }),
  );
  return { emails, total: total?.n ?? 0 };
}

/** A part of the held mail as the entry page lists it: never its bytes. */
export interface WaitingAttachment {
  /** Its position among the mail's attachments: how the download names it. */
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
}

/** One entry of the waiting list, read in full: the mail, why it was held, and what was decided. */
export interface WaitingEntry {
  id: string;
  divisionId: string;
  divisionName: string;
  receivedAt: Date;
  outcome: InboundOutcome;
  reason: string | null;
  /** On the waiting list now (not decided, not in the trash): the actions apply. */
  waiting: boolean;
  deletedAt: Date | null;
  decision: string | null;
  decidedAt: Date | null;
  decidedBy: { id: string; name: string } | null;
  /** The ticket it made or joined. */
  ticket: { id: string; divisionId: string; number: number } | null;
  /** The header block exactly as received, for "show raw headers". */
  rawHeaders: string;
  /** Null when it can no longer be opened (encrypted, and the division's key changed). */
  mail: {
    from: Address | null;
    to: Address[];
    cc: Address[];
    subject: string;
    date: Date | null;
    text: string;
    displayText: string;
    /** Sanitized at parse, as a message's is. */
    html: string | null;
    /** Its `cid:` images as `data:` URLs, by Content-ID (lib/tickets/inline-images.ts). */
    inlineImages: Map<string, string>;
    attachments: WaitingAttachment[];
  } | null;
}

/** A mail of the tenant that reached the waiting list, or NotFoundError (also once purged). */
export async function getWaitingEntry(tx: Executor, scope: TenantScope, id: string): Promise<WaitingEntry> {
  const [row] = await tx
    .select({
      id: inboundEmails.id,
      divisionId: inboundEmails.divisionId,
      divisionName: divisions.name,
      receivedAt: inboundEmails.receivedAt,
      outcome: inboundEmails.outcome,
      reason: inboundEmails.reason,
      deletedAt: inboundEmails.deletedAt,
      purgedAt: inboundEmails.purgedAt,
      decision: inboundEmails.decision,
      decidedAt: inboundEmails.decidedAt,
      decidedById: users.id,
      decidedByName: users.name,
      ticketId: tickets.id,
      ticketDivisionId: tickets.divisionId,
      ticketNumber: tickets.number,
    })
    .from(inboundEmails)
    .innerJoin(divisions, and(eq(divisions.tenantId, inboundEmails.tenantId), eq(divisions.id, inboundEmails.divisionId)))
    .leftJoin(users, eq(users.id, inboundEmails.decidedById))
    .leftJoin(tickets, and(eq(tickets.tenantId, inboundEmails.tenantId), eq(tickets.id, inboundEmails.ticketId)))
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, id)));
  // Only mail that was held is an entry: the waiting list is no window onto every mail received.
  if (!row || row.purgedAt || (row.outcome !== "waiting_list" && row.decision === null)) {
    throw new NotFoundError("inbound_email");
  }
  const raw = await readRawMail(tx, scope, id);
  const { bodyStart } = readHeaderBlock(raw.toString("latin1"));
  const division = (await findDivision(tx, scope, { divisionId: row.divisionId }))!;
  const parsed = await parseStoredMail(raw, division);
  const email = parsed.kind === "parsed" ? parsed.email : null;
  return {
    id: row.id,
    divisionId: row.divisionId,
    divisionName: row.divisionName,
    receivedAt: row.receivedAt,
    outcome: row.outcome,
    reason: row.reason,
    waiting: row.outcome === "waiting_list" && row.deletedAt === null,
    deletedAt: row.deletedAt,
    decision: row.decision,
    decidedAt: row.decidedAt,
    decidedBy: row.decidedById ? { id: row.decidedById, name: row.decidedByName ?? "" } : null,
    ticket:
      row.ticketId && row.ticketDivisionId && row.ticketNumber !== null
        ? { id: row.ticketId, divisionId: row.ticketDivisionId, number: row.ticketNumber }
        : null,
    // Read as UTF-8, which mail may carry in its headers (RFC 6532); other 8-bit bytes show as U+FFFD.
    rawHeaders: raw.subarray(0, bodyStart).toString("utf8").trimEnd(),
    mail: email && {
      from: email.from,
      to: email.to,
      cc: email.cc,
      subject: email.subject,
      date: email.date,
      text: email.text,
      displayText: email.displayText,
      html: email.html,
      inlineImages: inlineImagesOfParts(email.attachments),
      attachments: email.attachments.map((a, index) => ({ index, filename: a.filename, contentType: a.contentType, size: a.size })),
    },
  };
}

/** One attachment of an entry's mail, with its bytes, for download; NotFoundError for a wrong index. */
export async function getWaitingAttachment(
  tx: Executor,
  scope: TenantScope,
  input: { id: string; index: number },
): Promise<ParsedAttachment> {
  const [row] = await tx
    .select({ divisionId: inboundEmails.divisionId, purgedAt: inboundEmails.purgedAt })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, input.id)));
  if (!row || row.purgedAt) throw new NotFoundError("inbound_email");
  const division = (await findDivision(tx, scope, { divisionId: row.divisionId }))!;
  const parsed = await parseStoredMail(await readRawMail(tx, scope, input.id), division);
  const attachment = parsed.kind === "parsed" ? parsed.email.attachments[input.index] : undefined;
  if (!attachment) throw new NotFoundError("attachment");
  return attachment;
}
