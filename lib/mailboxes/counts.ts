import { count, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { mailboxes } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/** How many mailboxes each division has, for the divisions list; a division without any is absent. */
export async function countMailboxesByDivision(tx: Executor, scope: TenantScope): Promise<Record<string, number>> {
  const rows = await tx
    .select({ divisionId: mailboxes.divisionId, n: count() })
    .from(mailboxes)
    .where(eq(mailboxes.tenantId, scope.tenantId))
    .groupBy(mailboxes.divisionId);
  return Object.fromEntries(rows.map((row) => [row.divisionId, row.n]));
}
