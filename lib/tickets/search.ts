import { and, desc, eq, ilike, ne, or, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import { contacts, divisions, type TicketStatus, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { NotFoundError } from "@/lib/errors";

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


/** "42", "#42" or "[ACME#42]": the number asked for, else null. */
function numberIn(query: string): number | null {
  const match = /^(?:\[[^\]#]*#(\d{1,9})\]|#?(\d{1,9}))$/.exec(query.trim());
  const number = Number(match?.[1] ?? match?.[2]);
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}

/** Escapes LIKE's wildcards, so a search for "50%" finds that text and not everything after "50". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function choices(tx: Executor, scope: TenantScope) {
  return tx
    .select(choiceColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, tickets.tenantId), eq(divisions.id, tickets.divisionId)))
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, tickets.contactId)));
}

/**
 * Live tickets (not merged away, not in the trash) of one division or all the tenant's, whose number
 * is the query (`42`, `#42`, `[TAG#42]`) or whose subject or customer contains it: what a member picks
 * a ticket from (to attach a mail to, to merge into). The number's match first, then the most recently
 * updated. An empty query lists the most recent; one character that is not a number finds nothing
 * rather than nearly everything.
 */
export async function searchTickets(
  tx: Executor,
  scope: TenantScope,
  input: { query: string; divisionId?: string; excludeId?: string; limit?: number },
): Promise<TicketChoice[]> {
  const query = input.query.trim();
  const number = numberIn(query);
  if (query.length === 1 && number === null) return [];
  const matches: SQL[] = [ilike(tickets.subject, likePattern(query)), ilike(contacts.email, likePattern(query))];
  if (number !== null) matches.push(eq(tickets.number, number));
  return choices(tx, scope)
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        input.divisionId ? eq(tickets.divisionId, input.divisionId) : undefined,
        liveTicket(),
        input.excludeId ? ne(tickets.id, input.excludeId) : undefined,
        query === "" ? undefined : or(...matches),
      ),
    )
    .orderBy(...(number !== null ? [desc(eq(tickets.number, number))] : []), desc(tickets.updatedAt), desc(tickets.number))
    .limit(input.limit ?? 10);
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
