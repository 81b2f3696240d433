import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { seesMailbox } from "@/db/queries/members";
import { divisions, memberships, teamMembers, tickets } from "@/db/schema";
import { operatorScope, type TenantScope, withTenant } from "@/db/tenant";
import { MAX_ESCALATE_BEFORE_MINUTES } from "@/lib/divisions/settings";
import { emailEscalation } from "@/lib/notifications/email";

/** Tickets escalated per run at most: a backlog coming due together drains over a few runs. */
export const ESCALATION_BATCH = 200;

/**
 * Tickets whose current target (`sla_due_at`) falls due within their division's warning time and
 * whose escalation email has not gone out for that due time. A target that moves (the first
 * response given, a reopening, new settings) is a new due time, and may be escalated once again.
 */
function escalable(now: Date) {
  const at = sql`${now.toISOString()}::timestamptz`;
  return and(
    isNull(tickets.deletedAt),
    isNull(tickets.mergedIntoId),
    sql`${tickets.slaDueAt} is not null`,
    sql`${tickets.escalatedDueAt} is distinct from ${tickets.slaDueAt}`,
    // No division warns earlier than this: the bound makes the sweep one range of tickets_escalation_idx.
    sql`${tickets.slaDueAt} <= ${at} + make_interval(mins => ${MAX_ESCALATE_BEFORE_MINUTES})`,
    sql`exists (
      select 1 from ${divisions} d
      where d.id = ${tickets.divisionId}
        and ${tickets.slaDueAt} <= ${at} + make_interval(mins => d.escalate_before_minutes)
    )`,
  );
}

export interface EscalationInput {
  now: Date;
  /** At most this many tickets (default ESCALATION_BATCH). */
  limit?: number;
  /** Only this tenant's tickets (tests that share a database). */
  tenantId?: string;
}

/**
 * Sends the escalation email of each ticket about to miss its service-level target, across tenants
 * (run it on the worker's own connection), earliest due first and at most `limit`. Each tenant's
 * tickets are claimed in one transaction bound to that tenant, which stamps `escalated_due_at` with
 * the due time and queues the emails through the outbox: the claim rechecks the rule under the
 * row's lock, so a second run, or a second worker at the same moment, finds the ticket claimed and
 * mails nobody again.
 */
export async function escalateServiceLevels(db: Database, input: EscalationInput): Promise<{ escalated: number }> {
  const due = await db
    .select({ id: tickets.id, tenantId: tickets.tenantId })
    .from(tickets)
    .where(and(escalable(input.now), input.tenantId ? eq(tickets.tenantId, input.tenantId) : undefined))
    .orderBy(asc(tickets.slaDueAt), asc(tickets.id))
    .limit(input.limit ?? ESCALATION_BATCH);

  const byTenant = new Map<string, string[]>();
  for (const ticket of due) byTenant.set(ticket.tenantId, [...(byTenant.get(ticket.tenantId) ?? []), ticket.id]);

  let escalated = 0;
  for (const [tenantId, ids] of byTenant) {
    escalated += await withTenant(db, tenantId, async (tx) => {
      const scope = operatorScope(tenantId);
      const claimed = await tx
        .update(tickets)
        .set({ escalatedDueAt: sql`${tickets.slaDueAt}` })
        .where(and(eq(tickets.tenantId, tenantId), inArray(tickets.id, ids), escalable(input.now)))
        .returning();
      for (const ticket of claimed) {
        const dueAt = ticket.slaDueAt!;
        const target =
          ticket.firstResponseAt === null && ticket.firstResponseDueAt?.getTime() === dueAt.getTime()
            ? "firstResponse"
            : "resolution";
        await emailEscalation(tx, scope, {
          ticket,
          target,
          dueAt,
          userIds: await escalationRecipients(tx, scope, ticket),
        });
      }
      return claimed.length;
    });
  }
  return { escalated };
}

/**
 * Who is told a ticket's target is about to be missed: the one it is assigned to; else, when no one
 * is (or they left the company), the members of its team who may see it; else, with no team or
 * nobody in it, the company's owners and administrators, who answer for every division.
 */
async function escalationRecipients(
  tx: Executor,
  scope: TenantScope,
  ticket: { assigneeId: string | null; teamId: string | null; mailboxId: string | null },
): Promise<string[]> {
  const active = and(eq(memberships.tenantId, scope.tenantId), isNull(memberships.deactivatedAt));
  if (ticket.assigneeId) {
    const [assignee] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(active, eq(memberships.userId, ticket.assigneeId)));
    if (assignee) return [assignee.userId];
  }
  if (ticket.teamId) {
    const members = await tx
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .innerJoin(memberships, and(eq(memberships.userId, teamMembers.userId), active))
      .where(
        and(
          eq(teamMembers.tenantId, scope.tenantId),
          eq(teamMembers.teamId, ticket.teamId),
          ticket.mailboxId ? seesMailbox(teamMembers.userId, ticket.mailboxId) : undefined,
        ),
      );
    if (members.length > 0) return members.map((member) => member.userId);
  }
  const admins = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(active, or(eq(memberships.role, "owner"), eq(memberships.role, "admin"))));
  return admins.map((admin) => admin.userId);
}
