import type { Executor } from "@/db/client";
import { notifications } from "@/db/schema";
import { unprocessedRecipientIds } from "@/lib/divisions/divisions";
import type { TenantScope } from "@/lib/scope";

/**
 * Tells the staff a division chose that an email could not be processed. In the app now; the
 * outbound-mail issue also emails them with the division's template.
 */
export async function notifyUnprocessed(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; inboundEmailId: string; reason: string; subject: string | null; from: string | null },
): Promise<number> {
  const recipients = await unprocessedRecipientIds(tx, scope, input.divisionId);
  if (recipients.length === 0) return 0;
  await tx.insert(notifications).values(
    recipients.map((userId) => ({
      tenantId: scope.tenantId,
      userId,
      kind: "inbound.unprocessed",
      data: {
        divisionId: input.divisionId,
        inboundEmailId: input.inboundEmailId,
        reason: input.reason,
        subject: input.subject,
        from: input.from,
      },
    })),
  );
  return recipients.length;
}
