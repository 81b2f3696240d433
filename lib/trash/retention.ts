import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { divisions } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import { emptyTrash, type PurgeCounts } from "./purge";

const DAY_MS = 86_400_000;

/**
 * The divisions' trash retention: what has been in the trash longer than the division's
 * `trash_retention_days` is deleted for good, on the operator's behalf (the retention is the
 * company's own rule, no member's act). Runs across tenants on the worker's own connection; each
 * division is one transaction bound to its tenant, so a failure there leaves the others done.
 * Safe beside another worker: a purge locks the item first, and emptying skips one already gone.
 */
export async function purgeExpiredTrash(
  db: Database,
  input: { now: Date; tenantId?: string },
): Promise<{ divisions: number; purged: PurgeCounts[] }> {
  const candidates = await db
    .select({ tenantId: divisions.tenantId, divisionId: divisions.id, days: divisions.trashRetentionDays })
    .from(divisions)
    .where(input.tenantId ? eq(divisions.tenantId, input.tenantId) : undefined)
    .orderBy(asc(divisions.id));
  const purged: PurgeCounts[] = [];
  for (const { tenantId, divisionId, days } of candidates) {
    const deletedBefore = new Date(input.now.getTime() - days * DAY_MS);
    const counts = await withTenant(db, tenantId, (tx) =>
      emptyTrash(tx, operatorScope(tenantId), { divisionId, deletedBefore }),
    );
    if (counts.tickets + counts.messages + counts.inboundEmails > 0) purged.push(counts);
  }
  return { divisions: candidates.length, purged };
}
