import { and, eq, ne, notInArray } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inboundEmails, inboundMessageIds } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import type { InboundEmailRecord } from "./store";

/** The delivery a mail repeats: its outcome is this one's, and nothing is made twice. */
export interface EarlierDelivery {
  id: string;
  ticketId: string | null;
  reason: "sameMessageId" | "sameContent";
}

/**
 * Whether this mail was already delivered, to any mailbox of the tenant. Called inside the
 * transaction that writes the mail's outcome, before anything is made of it.
 *
 * With a Message-ID, the mail claims it in `inbound_message_ids`. The primary key decides: a second
 * delivery processed at the same moment waits on the first's uncommitted claim and then finds it,
 * and a first delivery whose transaction failed leaves no claim behind. Without one, the very same
 * bytes in the division are the same mail seen again (a mailbox resynchronised after its UIDVALIDITY
 * changed); its mailbox is polled by one worker at a time, so that lookup cannot race.
 */
export async function earlierDelivery(
  tx: Executor,
  scope: TenantScope,
  row: InboundEmailRecord,
  messageId: string | null,
): Promise<EarlierDelivery | null> {
  return messageId ? claimMessageId(tx, scope, row, messageId) : sameContent(tx, scope, row);
}

async function claimMessageId(
  tx: Executor,
  scope: TenantScope,
  row: InboundEmailRecord,
  messageId: string,
): Promise<EarlierDelivery | null> {
  const [claimed] = await tx
    .insert(inboundMessageIds)
    .values({ tenantId: scope.tenantId, messageId, inboundEmailId: row.id })
    .onConflictDoNothing()
    .returning({ id: inboundMessageIds.inboundEmailId });
  if (claimed) return null;
  const [first] = await tx
    .select({ id: inboundEmails.id, ticketId: inboundEmails.ticketId })
    .from(inboundMessageIds)
    .innerJoin(inboundEmails, eq(inboundEmails.id, inboundMessageIds.inboundEmailId))
    .where(and(eq(inboundMessageIds.tenantId, scope.tenantId), eq(inboundMessageIds.messageId, messageId)));
  if (!first) throw new Error(`Message-ID ${messageId} is claimed by a delivery that cannot be read`);
  // Its own claim, from when it was first processed: a mail released from the waiting list runs again.
  if (first.id === row.id) return null;
  return { ...first, reason: "sameMessageId" };
}

async function sameContent(tx: Executor, scope: TenantScope, row: InboundEmailRecord): Promise<EarlierDelivery | null> {
  const [first] = await tx
    .select({ id: inboundEmails.id, ticketId: inboundEmails.ticketId })
    .from(inboundEmails)
    .where(
      and(
        eq(inboundEmails.tenantId, scope.tenantId),
        eq(inboundEmails.divisionId, row.divisionId),
        eq(inboundEmails.sha256, row.sha256),
        ne(inboundEmails.id, row.id),
        notInArray(inboundEmails.outcome, ["pending", "duplicate", "unprocessed"]),
      ),
    )
    .limit(1);
  return first ? { ...first, reason: "sameContent" } : null;
}
