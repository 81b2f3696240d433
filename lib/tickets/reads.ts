import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { ticketReads, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * A member has just read a ticket: their read mark moves to now. The queue shows a ticket as unread
 * for them while a customer message is newer than this mark. One statement, since every ticket page
 * load makes it: the insert takes the ticket from this tenant's tickets, so a ticket id of another
 * tenant marks nothing (the foreign key alone would accept it).
 */
export async function markTicketRead(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; ticketId: string },
): Promise<void> {
  await tx
    .insert(ticketReads)
    .select(
      tx
        .select({
          tenantId: tickets.tenantId,
          userId: sql`${input.userId}::uuid`.as("user_id"),
          ticketId: tickets.id,
          readAt: sql`now()`.as("read_at"),
        })
        .from(tickets)
        .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, input.ticketId))),
    )
    .onConflictDoUpdate({
      target: [ticketReads.tenantId, ticketReads.userId, ticketReads.ticketId],
      set: { readAt: sql`now()` },
    });
}
