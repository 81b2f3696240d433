import { and, desc, eq, ilike, isNull, ne, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { contacts, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { NotFoundError } from "@/lib/errors";

/** Escapes LIKE's wildcards, so a search for "50%" finds that text and not everything after "50". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * A division's live tickets (not merged away, not in the trash) whose number is the query (with or
 * without `#`) or whose subject or customer contains it: what a member picks a ticket from, e.g. the
 * one to merge into. Most recently updated first.
 */
export async function searchTickets(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; query: string; excludeId?: string; limit?: number },
) {
  const query = input.query.trim();
  const number = /^#?\d{1,9}$/.test(query) ? Number(query.replace("#", "")) : null;
  return tx
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      contactEmail: contacts.email,
    })
    .from(tickets)
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, tickets.contactId)))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, input.divisionId),
        isNull(tickets.mergedIntoId),
        isNull(tickets.deletedAt),
        input.excludeId ? ne(tickets.id, input.excludeId) : undefined,
        query === ""
          ? undefined
          : or(
              number !== null ? eq(tickets.number, number) : undefined,
              ilike(tickets.subject, likePattern(query)),
              ilike(contacts.email, likePattern(query)),
            ),
      ),
    )
    .orderBy(desc(tickets.updatedAt), desc(tickets.number))
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
