import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Ticket, type TicketStatus, tickets } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { TenantScope } from "@/db/tenant";
import { restartServiceTargets } from "@/lib/divisions/service-targets";
import { lockTicket } from "./tickets";

/**
 * The statuses staff set by hand. "Answered" is not among them: a ticket becomes answered when a
 * reply is sent (lib/tickets/reply.ts), and open again when the customer writes.
 */
export const settableTicketStatuses = ["open", "on_hold", "closed"] as const satisfies readonly TicketStatus[];

export type SettableTicketStatus = (typeof settableTicketStatuses)[number];

/**
 * Opens, puts on hold or closes a ticket. Closing stamps `closedAt` (a late reply starts a new
 * ticket once it is old enough); any other status clears it, and a closed ticket opened again counts
 * its service-level targets from then. Any member may do this. Setting the status a ticket already
 * has changes nothing and records nothing.
 */
export async function setTicketStatus(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; status: SettableTicketStatus; now?: Date },
): Promise<Ticket> {
  const ticket = await lockTicket(tx, scope, input.ticketId);
  if (ticket.status === input.status) return ticket;

  const now = input.now ?? new Date();
  const [changed] = await tx
    .update(tickets)
    .set({ status: input.status, closedAt: input.status === "closed" ? now : null, updatedAt: now })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)))
    .returning();
  if (!changed) throw new Error("Ticket vanished while changing its status");
  if (ticket.status === "closed") await restartServiceTargets(tx, scope, changed, now);
  await recordAudit(tx, scope, "ticket.status_changed", { type: "ticket", id: ticket.id }, {
    from: ticket.status,
    to: changed.status,
  });
  return ticket.status === "closed" ? lockTicket(tx, scope, ticket.id) : changed;
}
