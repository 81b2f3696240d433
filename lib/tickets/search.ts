import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import { contacts, divisions, type TicketStatus, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { NotFoundError } from "@/lib/errors";
import { listQueue } from "./queue";
import { parseSearch } from "./queue-search";

/** A ticket as a picker shows it: enough to recognise it, nothing of its messages. */
export interface TicketChoice {
  id: string;
  divisionId: string;
  divisionTag: string;
  number: number;
  subject: string;
  status: TicketStatus;
  contactEmail: string | null;
}

const choiceColumns = {
  id: tickets.id,
  divisionId: tickets.divisionId,
  divisionTag: divisions.tag,
  number: tickets.number,
  subject: tickets.subject,
  status: tickets.status,
  contactEmail: contacts.email,
};

function choices(tx: Executor, scope: TenantScope) {
  return tx
    .select(choiceColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, tickets.tenantId), eq(divisions.id, tickets.divisionId)))
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, tickets.contactId)));
}

/**
 * Live tickets (not merged away, not in the trash) of one division or all the tenant's, as the
 * queue's search finds them (lib/tickets/queue-search.ts: the ticket a number names first, then
 * words, senders and parts of subjects), the most recently active first: what a member picks a
 * ticket from (to attach a mail to, to merge into). An empty query lists the most recent; one
 * character that is not a number finds nothing rather than nearly everything.
 */
export async function searchTickets(
  tx: Executor,
  scope: TenantScope,
  input: { query: string; divisionId?: string; excludeId?: string; limit?: number },
): Promise<TicketChoice[]> {
  const search = parseSearch(input.query);
  if (search && [...search.text].length === 1 && !search.ticketNumber) return [];
  const limit = input.limit ?? 10;
  // One more than asked, in case the one to leave out is among them.
  const page = await listQueue(tx, scope, {
    divisionIds: input.divisionId ? [input.divisionId] : undefined,
    search,
    limit: limit + 1,
  });
  return [...page.pinned, ...page.rows]
    .filter((row) => row.id !== input.excludeId)
    .slice(0, limit)
    .map((row) => ({
      id: row.id,
      divisionId: row.divisionId,
      divisionTag: row.divisionTag,
      number: row.number,
      subject: row.subject,
      status: row.status,
      contactEmail: row.contactEmail,
    }));
}

/** The tickets one may merge a ticket into: the live others of its division that match the query. */
export async function mergeTargets(tx: Executor, scope: TenantScope, input: { ticketId: string; query: string }) {
  const [ticket] = await tx
    .select({ divisionId: tickets.divisionId })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, input.ticketId)));
  if (!ticket) throw new NotFoundError("ticket");
  return searchTickets(tx, scope, { divisionId: ticket.divisionId, query: input.query, excludeId: input.ticketId });
}

/** A live ticket of a division by its number, or NotFoundError. */
export async function findTicketByNumber(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; number: number },
): Promise<TicketChoice> {
  const [ticket] = await choices(tx, scope).where(
    and(eq(tickets.tenantId, scope.tenantId), eq(tickets.divisionId, input.divisionId), eq(tickets.number, input.number), liveTicket()),
  );
  if (!ticket) throw new NotFoundError("ticket");
  return ticket;
}

/** A ticket of the tenant as a picker shows it, by its id, or NotFoundError. */
export async function getTicketChoice(tx: Executor, scope: TenantScope, ticketId: string): Promise<TicketChoice> {
  const [ticket] = await choices(tx, scope).where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  if (!ticket) throw new NotFoundError("ticket");
  return ticket;
}
