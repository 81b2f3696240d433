import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { memberships } from "../schema";
import type { TenantScope } from "../tenant";

/**
 * Whether every one of these users is an active member of the tenant: an assignee, a team's members
 * or a division's recipients chosen in a form must never name someone of another tenant, nor a
 * member who was deactivated.
 */
export async function areMembers(tx: Executor, scope: TenantScope, input: { userIds: string[] }): Promise<boolean> {
  const wanted = [...new Set(input.userIds)];
  if (wanted.length === 0) return true;
  const found = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(eq(memberships.tenantId, scope.tenantId), inArray(memberships.userId, wanted), isNull(memberships.deactivatedAt)),
    );
  return found.length === wanted.length;
}
