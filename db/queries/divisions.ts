import { and, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { type Division, divisions } from "../schema";
import type { TenantScope } from "../tenant";

/** The tenant's division with this id, or null (another tenant's division is not found either). */
export async function findDivision(tx: Executor, scope: TenantScope, input: { divisionId: string }): Promise<Division | null> {
  const [division] = await tx
    .select()
    .from(divisions)
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, input.divisionId)));
  return division ?? null;
}
