import type { Executor } from "@/db/client";
import { auditLog } from "@/db/schema";
import type { TenantScope } from "./scope";

/** Records who changed what. Details must never hold a secret. */
export async function recordAudit(
  tx: Executor,
  scope: TenantScope,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(auditLog).values({
    tenantId: scope.tenantId,
    actorUserId: scope.userId,
    action,
    targetType: target.type,
    targetId: target.id,
    details,
  });
}
