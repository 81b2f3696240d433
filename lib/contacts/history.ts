import { and, count, desc, eq, inArray, max, ne, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import { type Contact, contacts, divisions, type TicketStatus, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { NotFoundError } from "@/lib/errors";
import { withoutPrivateMail } from "@/lib/mailboxes/private-mail";

/**
 * A customer's history: their tickets, read from the tables here because lib/contacts sits below
 * lib/tickets. "Open" means not closed: answered and on-hold tickets are still in progress for the
 * customer, and staff want to see them beside the ticket at hand. A ticket holding mail from a
 * private mailbox is left out, counts included, for a member who may not read it.
 */

const unclosed = () => ne(tickets.status, "closed");

/** How much a contact has written in: their tickets still open, all of them, and the latest change. */
export interface ContactActivity {
  openTicketCount: number;
  ticketCount: number;
  lastActivityAt: Date | null;
}

const noActivity: ContactActivity = { openTicketCount: 0, ticketCount: 0, lastActivityAt: null };

/** The activity of each of these contacts (one grouped query, for a page of the list). */
export async function activityOf(
  tx: Executor,
  scope: TenantScope,
  contactIds: string[],
): Promise<Map<string, ContactActivity>> {
  const activity = new Map<string, ContactActivity>(contactIds.map((id) => [id, noActivity]));
  if (contactIds.length === 0) return activity;
  const rows = await tx
    .select({
      contactId: tickets.contactId,
      openTicketCount: sql<number>`count(*) filter (where ${unclosed()})`.mapWith(Number),
      ticketCount: count(),
      lastActivityAt: max(tickets.updatedAt),
    })
    .from(tickets)
    .where(
      and(eq(tickets.tenantId, scope.tenantId), inArray(tickets.contactId, contactIds), liveTicket(), withoutPrivateMail(scope)),
    )
    .groupBy(tickets.contactId);
  for (const { contactId, ...row } of rows) if (contactId) activity.set(contactId, row);
  return activity;
}

/** A ticket as a customer's history lists it. */
export interface ContactTicket {
  id: string;
  divisionTag: string;
  number: number;
  subject: string;
  status: TicketStatus;
  createdAt: Date;
  updatedAt: Date;
}

const ticketColumns = {
  id: tickets.id,
  divisionTag: divisions.tag,
  number: tickets.number,
  subject: tickets.subject,
  status: tickets.status,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
};

/** The most of a customer's tickets the contact page lists; older ones are counted, not shown. */
export const CONTACT_TICKETS_SHOWN = 100;

/** A contact with their activity and their tickets of every status and division, newest first. */
export async function getContact(
  tx: Executor,
  scope: TenantScope,
  contactId: string,
): Promise<{ contact: Contact; activity: ContactActivity; tickets: ContactTicket[] }> {
  const [contact] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, contactId)));
  if (!contact) throw new NotFoundError("contact");
  const rows = await tx
    .select(ticketColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, tickets.divisionId)))
    .where(
      and(eq(tickets.tenantId, scope.tenantId), eq(tickets.contactId, contactId), liveTicket(), withoutPrivateMail(scope)),
    )
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(CONTACT_TICKETS_SHOWN);
  const activity = (await activityOf(tx, scope, [contactId])).get(contactId) ?? noActivity;
  return { contact, activity, tickets: rows };
}

/**
 * The ticket's customer and their other open tickets, most recently updated first (at most
 * `limit`): the ticket page's sidebar. A ticket without a contact has no customer to show.
 */
export async function otherOpenTickets(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; limit?: number },
): Promise<ContactTicket[]> {
  const [ticket] = await tx
    .select({ contactId: tickets.contactId })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, input.ticketId)));
  if (!ticket) throw new NotFoundError("ticket");
  if (!ticket.contactId) return [];
  return tx
    .select(ticketColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, tickets.divisionId)))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.contactId, ticket.contactId),
        ne(tickets.id, input.ticketId),
        unclosed(),
        liveTicket(),
        withoutPrivateMail(scope),
      ),
    )
    .orderBy(desc(tickets.updatedAt), desc(tickets.id))
    .limit(input.limit ?? 5);
}
