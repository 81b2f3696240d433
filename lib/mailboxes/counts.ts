import { and, count, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { mailboxes } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/** How many mailboxes (not removed) each division has, for the divisions list; a division without any is absent. */
export async function countMailboxesByDivision(tx: Executor, scope: TenantScope): Promise<Record<string, number>> {
  const rows = await tx
    .select({ divisionId: mailboxes.divisionId, n: count() })
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), isNull(mailboxes.removedAt)))
    .groupBy(mailboxes.divisionId);
  return Object.fromEntries(rows.map((row) => [row.divisionId, row.n]));
}

/** How many mailboxes the company has, removed ones aside: the count on Settings' "All accounts". */
export async function countMailboxes(tx: Executor, scope: TenantScope): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), isNull(mailboxes.removedAt)));
  return row?.n ?? 0;
}
