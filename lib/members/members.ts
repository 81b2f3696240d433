import { and, asc, count, eq, gt, isNotNull, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Executor, Transaction } from "@/db/client";
import { divisionUnprocessedRecipients, invites, memberships, roleEnum, teamMembers, tickets, users } from "@/db/schema";
import { canAssignRole } from "@/lib/auth/roles";
import { revokeUserSessions } from "@/lib/auth/sessions";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { checkbox, optionalUuid } from "@/lib/forms";
import { outsideTenant, type TenantScope } from "@/db/tenant";

const memberColumns = {
  membershipId: memberships.id,
  userId: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  mayPurge: memberships.mayPurge,
  mayReadOthersMailboxes: memberships.mayReadOthersMailboxes,
  joinedAt: memberships.createdAt,
  deactivatedAt: memberships.deactivatedAt,
};

/**
 * The company's active members: whom tickets may be given to, teams made of, mail about the company
 * sent to. A deactivated member is in none of these lists.
 */
export async function listMembers(tx: Executor, scope: TenantScope) {
  return tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, scope.tenantId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(users.name));
}

/** The deactivated members, for the Members page, which lists them apart to be reactivated. */
export async function listDeactivatedMembers(tx: Executor, scope: TenantScope) {
  return tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, scope.tenantId), isNotNull(memberships.deactivatedAt)))
    .orderBy(asc(users.name));
}

/** How many tickets each active member holds that are not closed: what deactivating them leaves behind. */
export async function openTicketCounts(tx: Executor, scope: TenantScope): Promise<Map<string, number>> {
  const rows = await tx
    .select({ userId: tickets.assigneeId, open: count() })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), isNotNull(tickets.assigneeId), ne(tickets.status, "closed")))
    .groupBy(tickets.assigneeId);
  return new Map(rows.map((row) => [row.userId!, row.open]));
}

export async function listPendingInvites(tx: Executor, scope: TenantScope, now = new Date()) {
  return tx
    .select({
      id: invites.id,
      email: invites.email,
      role: invites.role,
      expiresAt: invites.expiresAt,
      createdAt: invites.createdAt,
    })
    .from(invites)
    .where(and(eq(invites.tenantId, scope.tenantId), isNull(invites.acceptedAt), gt(invites.expiresAt, now)))
    .orderBy(asc(invites.createdAt));
}

export const updateMemberSchema = z.object({
  membershipId: z.uuid(),
  role: z.enum(roleEnum.enumValues, "invalidChoice"),
  mayPurge: checkbox,
  mayReadOthersMailboxes: checkbox,
});

async function loadMembership(tx: Executor, scope: TenantScope, membershipId: string) {
  const [membership] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.id, membershipId)));
  if (!membership) throw new NotFoundError("member");
  return membership;
}

/**
 * The owners who can still act (a deactivated owner cannot). Locks the owners' rows while counting
 * them, so two owners cannot demote or deactivate each other at once.
 */
async function ownerCount(tx: Executor, scope: TenantScope): Promise<number> {
  const owners = await tx
    .select({ id: memberships.id, deactivatedAt: memberships.deactivatedAt })
    .from(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.role, "owner")))
    .for("update");
  return owners.filter((owner) => owner.deactivatedAt === null).length;
}

const activeOwner = (membership: { role: string; deactivatedAt: Date | null }) =>
  membership.role === "owner" && membership.deactivatedAt === null;

/** Changes a member's role and rights; a company never loses its last owner. */
export async function updateMember(
  tx: Executor,
  scope: TenantScope,
  input: z.output<typeof updateMemberSchema>,
): Promise<void> {
  const membership = await loadMembership(tx, scope, input.membershipId);
  if (!canAssignRole(scope.role, membership.role, input.role)) throw new ForbiddenError();
  if (activeOwner(membership) && input.role !== "owner" && (await ownerCount(tx, scope)) <= 1) {
    throw new RuleError("lastOwner");
  }
  await tx
    .update(memberships)
    .set({ role: input.role, mayPurge: input.mayPurge, mayReadOthersMailboxes: input.mayReadOthersMailboxes })
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.id, membership.id)));
  await recordAudit(tx, scope, "member.updated", { type: "membership", id: membership.id }, {
    role: input.role,
    mayPurge: input.mayPurge,
    mayReadOthersMailboxes: input.mayReadOthersMailboxes,
  });
}

/** Removes a member from the company and ends all their sessions (they may sign in again for their other companies). */
export async function removeMember(tx: Executor, scope: TenantScope, membershipId: string): Promise<void> {
  const membership = await loadMembership(tx, scope, membershipId);
  if (!canAssignRole(scope.role, membership.role, membership.role)) throw new ForbiddenError();
  if (activeOwner(membership) && (await ownerCount(tx, scope)) <= 1) throw new RuleError("lastOwner");
  // Signed out everywhere at once, in this transaction. First: the sessions table's policy lets a
  // tenant's context reach only its members' sessions.
  await revokeUserSessions(tx, membership.userId);
  await tx
    .delete(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.id, membership.id)));
  // The user row stays (they may belong to other companies), so nothing cascades: without these, a
  // former member would still be told about this company's unprocessed mail and sit in its teams.
  await tx
    .delete(divisionUnprocessedRecipients)
    .where(
      and(
        eq(divisionUnprocessedRecipients.tenantId, scope.tenantId),
        eq(divisionUnprocessedRecipients.userId, membership.userId),
      ),
    );
  await tx
    .delete(teamMembers)
    .where(and(eq(teamMembers.tenantId, scope.tenantId), eq(teamMembers.userId, membership.userId)));
  await recordAudit(tx, scope, "member.removed", { type: "membership", id: membership.id }, {
    userId: membership.userId,
  });
}

export const deactivateMemberSchema = z.object({
  membershipId: z.uuid(),
  /** Who takes over the member's tickets that are not closed; none leaves them unassigned. */
  reassignTo: optionalUuid,
});

/**
 * Deactivates a member: the row stays (their tickets, notes and history keep a name), but they get
 * into the company no more from their next request on (lib/auth/context.ts), and are offered
 * nowhere as an assignee or team member. Their tickets that are not closed go to `reassignTo`, an
 * active member, or to nobody. Someone who is then active in no company at all is signed out
 * everywhere. Nobody deactivates themselves, an admin never an owner, and a company keeps an
 * active owner.
 */
export async function deactivateMember(
  tx: Transaction,
  scope: TenantScope,
  input: z.output<typeof deactivateMemberSchema>,
  now = new Date(),
): Promise<{ reassigned: number }> {
  const membership = await loadMembership(tx, scope, input.membershipId);
  if (!canAssignRole(scope.role, membership.role, membership.role)) throw new ForbiddenError();
  if (membership.userId === scope.userId) throw new RuleError("cannotDeactivateSelf");
  if (membership.deactivatedAt) return { reassigned: 0 };
  if (activeOwner(membership) && (await ownerCount(tx, scope)) <= 1) throw new RuleError("lastOwner");
  if (input.reassignTo !== null && !(await isActiveMember(tx, scope, input.reassignTo, membership.userId))) {
    throw new RuleError("invalidInput", { reassignTo: ["invalidChoice"] });
  }

  await tx
    .update(memberships)
    .set({ deactivatedAt: now })
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.id, membership.id)));
  const moved = await tx
    .update(tickets)
    .set({ assigneeId: input.reassignTo, updatedAt: now })
    .where(
      and(eq(tickets.tenantId, scope.tenantId), eq(tickets.assigneeId, membership.userId), ne(tickets.status, "closed")),
    )
    .returning({ id: tickets.id });
  // As assignTicket records each change, so that every ticket's history says who had it.
  await recordAudit(
    tx,
    scope,
    "ticket.assigned",
    moved.map(({ id }) => ({ type: "ticket", id })),
    { from: membership.userId, to: input.reassignTo },
  );
  // Whether they may still work elsewhere is about the person, not this company: the other
  // companies' memberships are out of this tenant's sight.
  await outsideTenant(tx, scope, async () => {
    if (!(await activeElsewhere(tx, membership.userId))) await revokeUserSessions(tx, membership.userId);
  });
  await recordAudit(tx, scope, "member.deactivated", { type: "membership", id: membership.id }, {
    userId: membership.userId,
    reassignedTo: input.reassignTo,
    reassigned: moved.length,
  });
  return { reassigned: moved.length };
}

/** Lets a deactivated member in again, with the role and rights they had. */
export async function reactivateMember(tx: Executor, scope: TenantScope, membershipId: string): Promise<void> {
  const membership = await loadMembership(tx, scope, membershipId);
  if (!canAssignRole(scope.role, membership.role, membership.role)) throw new ForbiddenError();
  if (!membership.deactivatedAt) return;
  await tx
    .update(memberships)
    .set({ deactivatedAt: null })
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.id, membership.id)));
  await recordAudit(tx, scope, "member.reactivated", { type: "membership", id: membership.id }, {
    userId: membership.userId,
  });
}

async function isActiveMember(tx: Executor, scope: TenantScope, userId: string, except: string): Promise<boolean> {
  if (userId === except) return false;
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.userId, userId), isNull(memberships.deactivatedAt)));
  return Boolean(member);
}

/** Whether the person is an active member of any company (run outside the tenant, which sees only its own). */
async function activeElsewhere(tx: Executor, userId: string): Promise<boolean> {
  const [other] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), isNull(memberships.deactivatedAt)))
    .limit(1);
  return Boolean(other);
}
