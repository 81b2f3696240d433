import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { divisions, tickets } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";

/** Tickets closed per call at most: a division switched to "close at once" drains over a few runs. */
export const AUTO_CLOSE_BATCH = 500;

/**
 * Answered tickets whose division says they are done: auto-close days empty closes them once
 * answered, N closes them N days after the answer unless the customer wrote since, -1 never.
 * A customer's reply normally reopens the ticket already; the check on `last_customer_message_at`
 * keeps a reply that arrived without reopening it from being closed over.
 */
function closeable(now: Date) {
  const at = sql`${now.toISOString()}::timestamptz`;
  return and(
    eq(tickets.status, "answered"),
    // A ticket in the trash is read-only: it closes, if due, once restored.
    isNull(tickets.deletedAt),
    sql`exists (
      select 1 from ${divisions} d
      where d.id = ${tickets.divisionId}
        and coalesce(d.auto_close_days, 0) >= 0
        and ${tickets.answeredAt} <= ${at} - make_interval(days => coalesce(d.auto_close_days, 0))
        and (d.auto_close_days is null
          or ${tickets.lastCustomerMessageAt} is null
          or ${tickets.lastCustomerMessageAt} <= ${tickets.answeredAt})
    )`,
  );
}

export interface AutoCloseInput {
  now: Date;
  /** At most this many tickets (default AUTO_CLOSE_BATCH). */
  limit?: number;
  /** Only this tenant's tickets (tests that share a database). */
  tenantId?: string;
}

/**
 * Closes the answered tickets that are due, across tenants (run it on the worker's own connection),
 * oldest answer first and at most `limit`. Each tenant's tickets close in one transaction bound to
 * that tenant, each with an audit row without an actor. The rule is checked again in that update,
 * so a ticket the customer reopened meanwhile stays open.
 */
export async function autoCloseTickets(db: Database, input: AutoCloseInput): Promise<{ closed: number }> {
  const due = await db
    .select({ id: tickets.id, tenantId: tickets.tenantId })
    .from(tickets)
    .where(and(closeable(input.now), input.tenantId ? eq(tickets.tenantId, input.tenantId) : undefined))
    .orderBy(asc(tickets.answeredAt), asc(tickets.id))
    .limit(input.limit ?? AUTO_CLOSE_BATCH);

  const byTenant = new Map<string, string[]>();
  for (const ticket of due) byTenant.set(ticket.tenantId, [...(byTenant.get(ticket.tenantId) ?? []), ticket.id]);

  let closed = 0;
  for (const [tenantId, ids] of byTenant) {
    closed += await withTenant(db, tenantId, async (tx) => {
      const rows = await tx
        .update(tickets)
        .set({ status: "closed", closedAt: input.now, updatedAt: input.now })
        .where(and(eq(tickets.tenantId, tenantId), inArray(tickets.id, ids), closeable(input.now)))
        .returning({ id: tickets.id });
      const closedTickets = rows.map((row) => ({ type: "ticket", id: row.id }));
      await recordAudit(tx, operatorScope(tenantId), "ticket.auto_closed", closedTickets);
      return rows.length;
    });
  }
  return { closed };
}
