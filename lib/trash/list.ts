import { aliasedTable, and, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, inboundEmails, messages, tickets, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { readHeaderBlock } from "@/lib/mail/header-block";
import { parseEmail } from "@/lib/mail/parse";
import { inTrash, type TrashKind } from "./trash";

/** Items shown per kind at most: the trash is a place to rescue or clear, not an archive. */
export const TRASH_PAGE_SIZE = 200;

/** The header block of a waiting-list entry is all the trash shows of it (its From and Subject). */
const HEADER_BYTES = 64 * 1024;

export interface TrashItem {
  kind: TrashKind;
  id: string;
  divisionId: string;
  divisionName: string;
  divisionTag: string;
  /** The ticket the item is or belongs to (none for a waiting-list entry). */
  ticketId: string | null;
  ticketNumber: number | null;
  subject: string;
  /** Who wrote the message or the mail; null for a ticket. */
  from: string | null;
  deletedAt: Date;
  deletedBy: { id: string; name: string } | null;
  /** When the division's retention deletes it for good. */
  purgeAt: Date;
}

const DAY_MS = 86_400_000;

/**
 * What is in the trash, newest deletion first: tickets, single messages of tickets that are not in
 * the trash themselves, and waiting-list entries, of one division or the whole tenant.
 */
export async function listTrash(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId?: string } = {},
): Promise<TrashItem[]> {
  const deleter = aliasedTable(users, "deleter");
  const division = {
    divisionId: divisions.id,
    divisionName: divisions.name,
    divisionTag: divisions.tag,
    retentionDays: divisions.trashRetentionDays,
  };
  const ticketRows = await tx
    .select({
      id: tickets.id,
      ticketNumber: tickets.number,
      subject: tickets.subject,
      deletedAt: tickets.deletedAt,
      deletedById: tickets.deletedById,
      deletedByName: deleter.name,
      ...division,
    })
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, tickets.divisionId)))
    .leftJoin(deleter, eq(deleter.id, tickets.deletedById))
    .where(inTrash.ticket(scope, input.divisionId))
    .orderBy(desc(tickets.deletedAt))
    .limit(TRASH_PAGE_SIZE);
  const messageRows = await tx
    .select({
      id: messages.id,
      ticketId: tickets.id,
      ticketNumber: tickets.number,
      subject: sql<string>`coalesce(${messages.subject}, ${tickets.subject})`,
      from: messages.fromAddress,
      deletedAt: messages.deletedAt,
      deletedById: messages.deletedById,
      deletedByName: deleter.name,
      ...division,
    })
    .from(messages)
    .innerJoin(tickets, and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, messages.ticketId)))
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, tickets.divisionId)))
    .leftJoin(deleter, eq(deleter.id, messages.deletedById))
    .where(inTrash.message(scope, input.divisionId))
    .orderBy(desc(messages.deletedAt))
    .limit(TRASH_PAGE_SIZE);
  const entryRows = await tx
    .select({
      id: inboundEmails.id,
      head: sql<Buffer>`substring(${inboundEmails.raw} from 1 for ${HEADER_BYTES})`.mapWith(inboundEmails.raw),
      deletedAt: inboundEmails.deletedAt,
      deletedById: inboundEmails.deletedById,
      deletedByName: deleter.name,
      ...division,
    })
    .from(inboundEmails)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, inboundEmails.divisionId)))
    .leftJoin(deleter, eq(deleter.id, inboundEmails.deletedById))
    .where(inTrash.inboundEmail(scope, input.divisionId))
    .orderBy(desc(inboundEmails.deletedAt))
    .limit(TRASH_PAGE_SIZE);

  const common = (row: {
    id: string;
    deletedAt: Date | null;
    deletedById: string | null;
    deletedByName: string | null;
    divisionId: string;
    divisionName: string;
    divisionTag: string;
    retentionDays: number;
  }) => {
    const deletedAt = row.deletedAt!;
    return {
      id: row.id,
      divisionId: row.divisionId,
      divisionName: row.divisionName,
      divisionTag: row.divisionTag,
      deletedAt,
      deletedBy: row.deletedById ? { id: row.deletedById, name: row.deletedByName ?? "" } : null,
      purgeAt: new Date(deletedAt.getTime() + row.retentionDays * DAY_MS),
    };
  };
  const entries = await Promise.all(
    entryRows.map(async ({ head, ...row }) => {
      const { bodyStart } = readHeaderBlock(head.toString("latin1"));
      const { from, subject } = await parseEmail(head.subarray(0, bodyStart));
      return {
        ...common(row),
        kind: "inboundEmail" as const,
        ticketId: null,
        ticketNumber: null,
        subject,
        from: from?.address ?? null,
      };
    }),
  );
  const items: TrashItem[] = [
    ...ticketRows.map((row) => ({
      ...common(row),
      kind: "ticket" as const,
      ticketId: row.id,
      ticketNumber: row.ticketNumber,
      subject: row.subject,
      from: null,
    })),
    ...messageRows.map((row) => ({
      ...common(row),
      kind: "message" as const,
      ticketId: row.ticketId,
      ticketNumber: row.ticketNumber,
      subject: row.subject,
      from: row.from,
    })),
    ...entries,
  ];
  return items.sort((a, b) => b.deletedAt.getTime() - a.deletedAt.getTime());
}

/** The division an item of the trash (or one that could go there) belongs to; null when the tenant has no such item. */
export async function divisionOfItem(
  tx: Executor,
  scope: TenantScope,
  item: { kind: TrashKind; id: string },
): Promise<string | null> {
  if (item.kind === "ticket") {
    const [row] = await tx
      .select({ divisionId: tickets.divisionId })
      .from(tickets)
      .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, item.id)));
    return row?.divisionId ?? null;
  }
  if (item.kind === "message") {
    const [row] = await tx
      .select({ divisionId: tickets.divisionId })
      .from(messages)
      .innerJoin(tickets, and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, messages.ticketId)))
      .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, item.id)));
    return row?.divisionId ?? null;
  }
  const [row] = await tx
    .select({ divisionId: inboundEmails.divisionId })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, item.id)));
  return row?.divisionId ?? null;
}
