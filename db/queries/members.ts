import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { memberships } from "../schema";
import type { TenantScope } from "../tenant";

/**
 * Whether every one of these users is an active member of the tenant: an assignee, a team's members
 * or a division's recipients chosen in a form must never name someone of another tenant, nor someone
 * deactivated.
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

/**
 * Whether a member may see the tickets of a mailbox (null: a ticket of no mailbox, everyone's), by
 * the rule row-level security applies to the member's own requests (migration 0024).
 */
export async function maySeeMailbox(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; mailboxId: string | null },
): Promise<boolean> {
  if (!input.mailboxId) return true;
  const [row] = await tx
    .select({ hidden: sql<boolean>`${input.mailboxId}::uuid = any(postdesk_hidden_mailboxes_of(${memberships.userId}))` })
    .from(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.userId, input.userId)));
  return row?.hidden === false;
}
