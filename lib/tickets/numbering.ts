import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/** The next number of a division's tickets; the row lock serializes concurrent tickets. */
export async function nextTicketNumber(tx: Executor, scope: TenantScope, divisionId: string): Promise<number> {
  const [row] = await tx
    .update(divisions)
    .set({ nextTicketNumber: sql`${divisions.nextTicketNumber} + 1` })
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, divisionId)))
    .returning({ next: divisions.nextTicketNumber });
  if (!row) throw new Error("Division vanished while numbering a ticket");
  return row.next - 1;
}
