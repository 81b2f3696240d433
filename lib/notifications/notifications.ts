import type { Executor } from "@/db/client";
import { notifications } from "@/db/schema";
import { unprocessedRecipientIds } from "@/lib/divisions/divisions";
import type { TenantScope } from "@/db/tenant";
import { emailUnprocessed } from "./email";

/**
 * Tells the staff a division chose that an email could not be processed: in the app, and by email
 * with the division's chosen template to those who have not turned that off.
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
  await emailUnprocessed(tx, scope, { ...input, userIds: recipients });
  return recipients.length;
}
