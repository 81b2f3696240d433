import type { Executor } from "@/db/client";
import { auditLog } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/** Records who changed what, one row per target in one insert. Details must never hold a secret. */
export async function recordAudit(
  tx: Executor,
  scope: TenantScope,
  action: string,
  target: { type: string; id: string } | { type: string; id: string }[],
  details: Record<string, unknown> = {},
): Promise<void> {
  const targets = Array.isArray(target) ? target : [target];
  if (targets.length === 0) return;
  await tx.insert(auditLog).values(
    targets.map(({ type, id }) => ({
      tenantId: scope.tenantId,
      actorUserId: scope.userId,
      action,
      targetType: type,
      targetId: id,
      details,
    })),
  );
}
