import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "@/db/client";
import {
  attachments,
  inboundEmails,
  inboundMessageIds,
  mailboxes,
  messages,
  notifications,
  outbox,
  tickets,
} from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { inTrash, type TrashKind } from "./trash";

/**
 * Deleting for good what is in the trash (data-protection requests, the division's retention). It
 * needs the member's "may permanently delete" right. What goes: message rows, their attachments
 * and outbox rows, the ticket row, and the raw mail. An inbound email's row stays, emptied (no
 * bytes, no Message-ID, no error text) and marked `purged_at`: its unique key (mailbox and UIDL or
 * UID) is what keeps a poll from fetching the same mail again. The audit entry names only kinds,
 * ids, the ticket number and counts, never a subject or a body.
 */

export interface PurgeCounts {
  tickets: number;
  messages: number;
  attachments: number;
  inboundEmails: number;
  outbox: number;
}

const none = (): PurgeCounts => ({ tickets: 0, messages: 0, attachments: 0, inboundEmails: 0, outbox: 0 });

function add(total: PurgeCounts, more: PurgeCounts): PurgeCounts {
  return {
    tickets: total.tickets + more.tickets,
    messages: total.messages + more.messages,
    attachments: total.attachments + more.attachments,
    inboundEmails: total.inboundEmails + more.inboundEmails,
    outbox: total.outbox + more.outbox,
  };
}

/** Refuses, with the seed's message, a member without the right; every purge starts here. */
function assertMayPurge(scope: TenantScope): void {
  if (!scope.mayPurge) throw new ForbiddenError("purgeNotAllowed");
}

/** Deletes one item of the trash for good. Only an item in the trash can be purged. */
export async function purgeFromTrash(
  tx: Executor,
  scope: TenantScope,
  item: { kind: TrashKind; id: string },
): Promise<PurgeCounts> {
  assertMayPurge(scope);
  if (item.kind === "ticket") return purgeTicket(tx, scope, item.id);
  if (item.kind === "message") return purgeMessage(tx, scope, item.id);
  return purgeWaitingEntry(tx, scope, item.id);
}

/** What is in the trash of one division, or of the whole tenant: the items `emptyTrash` purges. */
async function trashedItemIds(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId?: string; deletedBefore?: Date },
): Promise<{ kind: TrashKind; id: string }[]> {
  const before = (column: AnyPgColumn) =>
    input.deletedBefore ? sql`${column} < ${input.deletedBefore.toISOString()}::timestamptz` : undefined;
  const ticketRows = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(
      and(
        inTrash.ticket(scope, input.divisionId),
        before(tickets.deletedAt),
      ),
    );
  // A trashed message of a trashed ticket goes with its ticket.
  const messageRows = await tx
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(tickets, and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, messages.ticketId)))
    .where(
      and(
        inTrash.message(scope, input.divisionId),
        before(messages.deletedAt),
      ),
    );
  const entryRows = await tx
    .select({ id: inboundEmails.id })
    .from(inboundEmails)
    .where(
      and(
        inTrash.inboundEmail(scope, input.divisionId),
        before(inboundEmails.deletedAt),
      ),
    );
  return [
    ...ticketRows.map(({ id }) => ({ kind: "ticket" as const, id })),
    ...messageRows.map(({ id }) => ({ kind: "message" as const, id })),
    ...entryRows.map(({ id }) => ({ kind: "inboundEmail" as const, id })),
  ];
}

/** Empties the trash: every item of one division, or (no division) of the whole tenant. */
export async function emptyTrash(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId?: string; deletedBefore?: Date } = {},
): Promise<PurgeCounts> {
  assertMayPurge(scope);
  let total = none();
  for (const item of await trashedItemIds(tx, scope, input)) {
    try {
      total = add(total, await purgeFromTrash(tx, scope, item));
    } catch (error) {
      // Purged by someone else (or the retention sweep) since it was listed: already what we want.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return total;
}

async function purgeTicket(tx: Executor, scope: TenantScope, ticketId: string): Promise<PurgeCounts> {
  const [ticket] = await tx
    .select({ id: tickets.id, number: tickets.number, divisionId: tickets.divisionId, deletedAt: tickets.deletedAt })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)))
    .for("update");
  if (!ticket) throw new NotFoundError("ticket");
  if (!ticket.deletedAt) throw new RuleError("notInTrash");
  // Tickets merged into this one live on only to thread replies here: they go with it, or they would
  // come back to the queue, subject and all, once their pointer is gone.
  const ticketIds = [ticket.id, ...(await mergedInto(tx, scope, ticket.id))];
  const messageRows = await tx
    .select({ id: messages.id, inboundEmailId: messages.inboundEmailId })
    .from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), inArray(messages.ticketId, ticketIds)));
  // The tickets' mail: what their messages came from, and further copies of it (duplicates point here too).
  const mailRows = await tx
    .select({ id: inboundEmails.id })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), inArray(inboundEmails.ticketId, ticketIds)));
  const mailIds = [
    ...new Set([...mailRows.map((row) => row.id), ...messageRows.flatMap((row) => row.inboundEmailId ?? [])]),
  ];
  const counts = await deleteMessages(
    tx,
    scope,
    messageRows.map((row) => row.id),
    ticketIds,
  );
  await tx.delete(notifications).where(
    and(eq(notifications.tenantId, scope.tenantId), inArray(sql`${notifications.data}->>'ticketId'`, ticketIds)),
  );
  const emptied = await emptyInboundEmails(tx, scope, mailIds);
  // Pointers of other tickets (follow-ups) are set null by their foreign keys.
  const gone = await tx
    .delete(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), inArray(tickets.id, ticketIds)))
    .returning({ id: tickets.id });
  const result = { ...counts, tickets: gone.length, inboundEmails: emptied };
  await recordAudit(tx, scope, "trash.purged", { type: "ticket", id: ticket.id }, {
    kind: "ticket",
    divisionId: ticket.divisionId,
    ticketNumber: ticket.number,
    ...result,
  });
  return result;
}

/** Every ticket merged into this one, directly or through another merged ticket. */
async function mergedInto(tx: Executor, scope: TenantScope, ticketId: string): Promise<string[]> {
  const found: string[] = [];
  let frontier = [ticketId];
  while (frontier.length > 0) {
    const rows = await tx
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.tenantId, scope.tenantId), inArray(tickets.mergedIntoId, frontier)));
    frontier = rows.map((row) => row.id).filter((id) => id !== ticketId && !found.includes(id));
    found.push(...frontier);
  }
  return found;
}

async function purgeMessage(tx: Executor, scope: TenantScope, messageId: string): Promise<PurgeCounts> {
  const [message] = await tx
    .select({
      id: messages.id,
      ticketId: messages.ticketId,
      inboundEmailId: messages.inboundEmailId,
      deletedAt: messages.deletedAt,
      ticketNumber: tickets.number,
      divisionId: tickets.divisionId,
    })
    .from(messages)
    .innerJoin(tickets, and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, messages.ticketId)))
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, messageId)))
    .for("update", { of: messages });
  if (!message) throw new NotFoundError("message");
  if (!message.deletedAt) throw new RuleError("notInTrash");
  const counts = await deleteMessages(tx, scope, [message.id], []);
  const emptied = await emptyInboundEmails(tx, scope, message.inboundEmailId ? [message.inboundEmailId] : []);
  const result = { ...counts, inboundEmails: emptied };
  await recordAudit(tx, scope, "trash.purged", { type: "message", id: message.id }, {
    kind: "message",
    divisionId: message.divisionId,
    ticketId: message.ticketId,
    ticketNumber: message.ticketNumber,
    ...result,
  });
  return result;
}

async function purgeWaitingEntry(tx: Executor, scope: TenantScope, inboundEmailId: string): Promise<PurgeCounts> {
  const [entry] = await tx
    .select({ id: inboundEmails.id, divisionId: inboundEmails.divisionId, deletedAt: inboundEmails.deletedAt, purgedAt: inboundEmails.purgedAt })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, inboundEmailId)))
    .for("update");
  if (!entry) throw new NotFoundError("inbound_email");
  if (!entry.deletedAt || entry.purgedAt) throw new RuleError("notInTrash");
  const emptied = await emptyInboundEmails(tx, scope, [entry.id]);
  const result = { ...none(), inboundEmails: emptied };
  await recordAudit(tx, scope, "trash.purged", { type: "inbound_email", id: entry.id }, {
    kind: "inboundEmail",
    divisionId: entry.divisionId,
    ...result,
  });
  return result;
}

/**
 * Deletes message rows with their attachments and outbox rows (and, for whole tickets, the
 * tickets' outbox rows that are no message of theirs: their confirmations).
 */
async function deleteMessages(
  tx: Executor,
  scope: TenantScope,
  messageIds: string[],
  ticketIds: string[],
): Promise<PurgeCounts> {
  const counts = none();
  if (messageIds.length > 0) {
    const gone = await tx
      .delete(attachments)
      .where(and(eq(attachments.tenantId, scope.tenantId), inArray(attachments.messageId, messageIds)))
      .returning({ id: attachments.id });
    counts.attachments = gone.length;
  }
  const ofOutbox = or(
    messageIds.length > 0 ? inArray(outbox.messageRowId, messageIds) : undefined,
    ticketIds.length > 0 ? inArray(outbox.ticketId, ticketIds) : undefined,
  );
  if (ofOutbox) {
    const gone = await tx
      .delete(outbox)
      .where(and(eq(outbox.tenantId, scope.tenantId), ofOutbox))
      .returning({ id: outbox.id });
    counts.outbox = gone.length;
  }
  if (messageIds.length > 0) {
    const gone = await tx
      .delete(messages)
      .where(and(eq(messages.tenantId, scope.tenantId), inArray(messages.id, messageIds)))
      .returning({ id: messages.id });
    counts.messages = gone.length;
  }
  return counts;
}

/**
 * Empties inbound emails of their content and marks them purged; the rows stay (see above). A mail
 * from a POP3 mailbox that keeps copies and removes them "when deleted here" is marked for removal
 * from the server, which its next poll does. Returns how many were emptied now.
 */
async function emptyInboundEmails(tx: Executor, scope: TenantScope, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const now = new Date();
  const mine = and(eq(inboundEmails.tenantId, scope.tenantId), inArray(inboundEmails.id, ids));
  await tx
    .delete(inboundMessageIds)
    .where(and(eq(inboundMessageIds.tenantId, scope.tenantId), inArray(inboundMessageIds.inboundEmailId, ids)));
  await tx.delete(notifications).where(
    and(eq(notifications.tenantId, scope.tenantId), inArray(sql`${notifications.data}->>'inboundEmailId'`, ids)),
  );
  const emptied = await tx
    .update(inboundEmails)
    .set({
      raw: sql`''::bytea`,
      size: 0,
      messageId: null,
      error: null,
      ticketId: null,
      purgedAt: now,
      // Kept in the trash's sense: a purged mail is never listed or restored again.
      deletedAt: sql`coalesce(${inboundEmails.deletedAt}, ${now.toISOString()}::timestamptz)`,
      removeFromServer: sql`exists (
        select 1 from ${mailboxes} m
        where m.id = ${inboundEmails.mailboxId} and m.protocol = 'pop3'
          and m.pop3_leave_copy and m.pop3_remove_when_deleted
      ) and ${inboundEmails.uidl} is not null`,
    })
    .where(and(mine, isNull(inboundEmails.purgedAt)))
    .returning({ id: inboundEmails.id });
  return emptied.length;
}
