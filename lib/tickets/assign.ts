import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { areMembers, maySeeMailbox } from "@/db/queries/members";
import { type Ticket, tickets } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { RuleError } from "@/lib/errors";
import { emailAssignment } from "@/lib/notifications/email";
import type { TenantScope } from "@/db/tenant";
import { getTicketCustomer, lockTicket } from "./tickets";

/**
 * Gives a ticket to a member of the tenant, or to nobody. Any member may assign. The new assignee
 * is told by email (unless the ticket already was theirs, they took it themselves, or they turned
 * such emails off); `newlyAssignedUserId` names them. Bulk work passes `email: false` and tells
 * them once about all the tickets it gave them (lib/tickets/bulk.ts).
 */
export async function assignTicket(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; assigneeId: string | null },
  options: { email?: boolean } = {},
): Promise<{ ticket: Ticket; newlyAssignedUserId: string | null }> {
  const ticket = await lockTicket(tx, scope, input.ticketId);
  // First: a ticket kept by a member who was deactivated since is no new choice of them.
  if (input.assigneeId === ticket.assigneeId) return { ticket, newlyAssignedUserId: null };
  if (input.assigneeId && !(await areMembers(tx, scope, { userIds: [input.assigneeId] }))) {
    throw new RuleError("invalidInput", { assigneeId: ["invalidChoice"] });
  }
  // Given to someone who may not see it, it would vanish from everyone's "Mine" but the giver's.
  if (input.assigneeId && !(await maySeeMailbox(tx, scope, { userId: input.assigneeId, mailboxId: ticket.mailboxId }))) {
    throw new RuleError("assigneeCannotSee", { assigneeId: ["assigneeCannotSee"] });
  }

  const [assigned] = await tx
    .update(tickets)
    .set({ assigneeId: input.assigneeId, updatedAt: new Date() })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)))
    .returning();
  if (!assigned) throw new Error("Ticket vanished while assigning it");
  await recordAudit(tx, scope, "ticket.assigned", { type: "ticket", id: ticket.id }, {
    from: ticket.assigneeId,
    to: assigned.assigneeId,
  });
  const tookItThemselves = input.assigneeId === scope.userId;
  const newlyAssignedUserId = input.assigneeId && !tookItThemselves ? input.assigneeId : null;
  if (newlyAssignedUserId && options.email !== false) {
    const customer = await getTicketCustomer(tx, scope, assigned.id);
    await emailAssignment(tx, scope, {
      ticket: assigned,
      assigneeId: newlyAssignedUserId,
      customerName: customer ? (customer.name ?? customer.email) : null,
    });
  }
  return { ticket: assigned, newlyAssignedUserId };
}
