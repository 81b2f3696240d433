import { and, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inboundEmails, messages } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { NotFoundError } from "@/lib/errors";
import { readHeaderBlock } from "@/lib/mail/header-block";

/**
 * How a message came to be on its ticket, as stored in `messages.thread_reason`: by the pipeline
 * (lib/inbound/ticket-steps.ts: "new"; lib/inbound/decide.ts: header, token, tag, subject) or by a
 * member's decision on the waiting list (lib/inbound/waiting-decisions.ts: "attached").
 */
export const threadReasons = ["new", "header", "token", "tag", "subject", "attached"] as const;
export type ThreadReasonKey = (typeof threadReasons)[number];

/** A stored reason this version knows, or null (staff replies and notes have none). */
export function threadReasonOf(stored: string | null): ThreadReasonKey | null {
  return threadReasons.find((reason) => reason === stored) ?? null;
}

/** Enough for any real header block; the body of a large mail is never read for the headers. */
const HEADER_BYTES = 64 * 1024;

export interface HeaderField {
  name: string;
  value: string;
}

export interface MessageOrigin {
  reason: ThreadReasonKey | null;
  /** Who attached it from the waiting list, when that is how it came. */
  attachedById: string | null;
  /** The mail as received is still stored (not purged): its headers and `.eml` can be read. */
  rawAvailable: boolean;
  /** The header block as received; only when asked for, and only while the mail is stored. */
  headers: HeaderField[] | null;
}

/**
 * Why each of a ticket's shown messages is there, by message id, and for `withHeaders` (admins)
 * the received mail's header fields, unfolded but not decoded: what the sender's software wrote.
 */
export async function listMessageOrigins(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; withHeaders: boolean },
): Promise<Map<string, MessageOrigin>> {
  const rows = await tx
    .select({
      id: messages.id,
      threadReason: messages.threadReason,
      inboundEmailId: inboundEmails.id,
      decision: inboundEmails.decision,
      decidedById: inboundEmails.decidedById,
      purgedAt: inboundEmails.purgedAt,
      head: input.withHeaders
        ? sql<Buffer | null>`substring(${inboundEmails.raw} from 1 for ${HEADER_BYTES})`
        : sql<null>`null`,
    })
    .from(messages)
    .leftJoin(
      inboundEmails,
      and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, messages.inboundEmailId)),
    )
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, input.ticketId), isNull(messages.deletedAt)));

  return new Map(
    rows.map((row) => {
      const reason = threadReasonOf(row.threadReason);
      const rawAvailable = row.inboundEmailId !== null && row.purgedAt === null;
      return [
        row.id,
        {
          reason,
          attachedById: reason === "attached" && row.decision === "attached" ? row.decidedById : null,
          rawAvailable,
          headers: rawAvailable && row.head ? headerFieldsOf(Buffer.from(row.head)) : null,
        },
      ];
    }),
  );
}

/** A mail's header fields in order, values unfolded; 8-bit values read as UTF-8, as mail clients do. */
export function headerFieldsOf(raw: Buffer): HeaderField[] {
  return readHeaderBlock(raw.toString("latin1")).fields.map(({ name, value }) => ({
    name,
    value: Buffer.from(value, "latin1").toString("utf8").trim(),
  }));
}

/**
 * The bytes exactly as received of one message of one ticket of this tenant. Not found: a message
 * elsewhere, in the trash, written by staff, or whose mail was purged (nothing is left to give).
 */
export async function getReceivedMail(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; messageId: string },
): Promise<{ raw: Buffer; receivedAt: Date }> {
  const [row] = await tx
    .select({ raw: inboundEmails.raw, receivedAt: inboundEmails.receivedAt })
    .from(messages)
    .innerJoin(
      inboundEmails,
      and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, messages.inboundEmailId)),
    )
    .where(
      and(
        eq(messages.tenantId, scope.tenantId),
        eq(messages.ticketId, input.ticketId),
        eq(messages.id, input.messageId),
        isNull(messages.deletedAt),
        isNull(inboundEmails.purgedAt),
      ),
    );
  if (!row) throw new NotFoundError("message");
  return { raw: row.raw, receivedAt: row.receivedAt };
}
