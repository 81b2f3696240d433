import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { type Mailbox, mailboxes } from "../schema";
import type { TenantScope } from "../tenant";

/** The tenant's mailbox with this id, or null. */
export async function findMailbox(tx: Executor, scope: TenantScope, input: { mailboxId: string }): Promise<Mailbox | null> {
  const [mailbox] = await tx
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, input.mailboxId)));
  return mailbox ?? null;
}

/**
 * The mailbox, when it belongs to this division of the tenant and is not removed; null otherwise. A
 * team, a division's mass mail or any other setting that names a mailbox may only name one of its
 * own division, and never a removed one (its login is wiped).
 */
export async function findDivisionMailbox(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; mailboxId: string },
): Promise<Mailbox | null> {
  const [mailbox] = await tx
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.tenantId, scope.tenantId),
        eq(mailboxes.divisionId, input.divisionId),
        eq(mailboxes.id, input.mailboxId),
        isNull(mailboxes.removedAt),
      ),
    );
  return mailbox ?? null;
}
