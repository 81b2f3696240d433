import { and, desc, eq, ilike, isNull, or, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, type TicketStatus, tickets } from "@/db/schema";
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
}

const choiceColumns = {
  id: tickets.id,
  divisionId: tickets.divisionId,
  divisionTag: divisions.tag,
  number: tickets.number,
  subject: tickets.subject,
  status: tickets.status,
};

/** Tickets that can still take a message: not in the trash, not merged into another. */
const live = and(isNull(tickets.deletedAt), isNull(tickets.mergedIntoId));

/** "42", "#42" or "[ACME#42]": the number asked for, else null. */
function numberIn(query: string): number | null {
  const match = /^(?:\[[^\]#]*#(\d+)\]|#?(\d+))$/.exec(query.trim());
  const number = Number(match?.[1] ?? match?.[2]);
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}

/**
 * Tickets to attach a mail to, by number or by words of the subject, in one division or all the
 * tenant's: the number's match first, then the newest. A query of fewer than two characters finds
 * nothing rather than everything.
 */
export async function searchTickets(
  tx: Executor,
  scope: TenantScope,
  input: { query: string; divisionId?: string; limit?: number },
): Promise<TicketChoice[]> {
  const query = input.query.trim();
  if (query.length < 2 && numberIn(query) === null) return [];
  const number = numberIn(query);
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matches: SQL[] = [ilike(tickets.subject, pattern)];
  if (number !== null) matches.push(eq(tickets.number, number));
  return tx
    .select(choiceColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, tickets.tenantId), eq(divisions.id, tickets.divisionId)))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        input.divisionId ? eq(tickets.divisionId, input.divisionId) : undefined,
        live,
        or(...matches),
      ),
    )
    .orderBy(...(number !== null ? [desc(eq(tickets.number, number))] : []), desc(tickets.createdAt))
    .limit(input.limit ?? 10);
}

/** A live ticket of a division by its number, or NotFoundError. */
export async function findTicketByNumber(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; number: number },
): Promise<TicketChoice> {
  const [ticket] = await tx
    .select(choiceColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, tickets.tenantId), eq(divisions.id, tickets.divisionId)))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, input.divisionId),
        eq(tickets.number, input.number),
        live,
      ),
    );
  if (!ticket) throw new NotFoundError("ticket");
  return ticket;
}

/** A ticket of the tenant as a picker shows it, by its id, or NotFoundError. */
export async function getTicketChoice(tx: Executor, scope: TenantScope, ticketId: string): Promise<TicketChoice> {
  const [ticket] = await tx
    .select(choiceColumns)
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, tickets.tenantId), eq(divisions.id, tickets.divisionId)))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  if (!ticket) throw new NotFoundError("ticket");
  return ticket;
}
