import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { divisionUnprocessedRecipients, invites, memberships, roleEnum, teamMembers, users } from "@/db/schema";
import { canAssignRole } from "@/lib/auth/roles";
import { revokeUserSessions } from "@/lib/auth/sessions";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { checkbox } from "@/lib/forms";
import type { TenantScope } from "@/db/tenant";

export async function listMembers(tx: Executor, scope: TenantScope) {
  return tx
    .select({
      membershipId: memberships.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      mayPurge: memberships.mayPurge,
      mayReadOthersMailboxes: memberships.mayReadOthersMailboxes,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, scope.tenantId))
    .orderBy(asc(users.name));
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

/** Locks the owners' rows while counting them, so two owners cannot demote each other at once. */
async function ownerCount(tx: Executor, scope: TenantScope): Promise<number> {
  const owners = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.role, "owner")))
    .for("update");
  return owners.length;
}

/** Changes a member's role and rights; a company never loses its last owner. */
export async function updateMember(
  tx: Executor,
  scope: TenantScope,
  input: z.output<typeof updateMemberSchema>,
): Promise<void> {
  const membership = await loadMembership(tx, scope, input.membershipId);
  if (!canAssignRole(scope.role, membership.role, input.role)) throw new ForbiddenError();
  if (membership.role === "owner" && input.role !== "owner" && (await ownerCount(tx, scope)) <= 1) {
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
  if (membership.role === "owner" && (await ownerCount(tx, scope)) <= 1) throw new RuleError("lastOwner");
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
