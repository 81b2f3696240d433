import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
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
 * A condition: the user in `userColumn` may see the tickets of `mailboxId`, by the rule row-level
 * security applies to a member's own requests (migration 0024). For lists of members (who to tell)
 * and single checks (who may be given a ticket) alike.
 */
export function seesMailbox(userColumn: AnyPgColumn, mailboxId: string): SQL<boolean> {
  return sql<boolean>`not (${mailboxId}::uuid = any(postdesk_hidden_mailboxes_of(${userColumn})))`;
}

/** Whether a member may see the tickets of a mailbox (null: a ticket of no mailbox, everyone's). */
export async function maySeeMailbox(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; mailboxId: string | null },
): Promise<boolean> {
  if (!input.mailboxId) return true;
  const [row] = await tx
    .select({ sees: seesMailbox(memberships.userId, input.mailboxId) })
    .from(memberships)
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.userId, input.userId)));
  return row?.sees === true;
}
