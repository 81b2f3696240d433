import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { divisions, mailboxes } from "@/db/schema";

export interface MailboxRef {
  tenantId: string;
  divisionId: string;
  mailboxId: string;
  address: string;
}

/**
 * The mailboxes an operator's poll covers: one mailbox, a division's active mailboxes, or every
 * active mailbox of every division whose dispatcher is on. A removed mailbox never: its login is wiped. Runs as the connecting user (across
 * tenants, like the dispatcher); each poll then works inside its mailbox's tenant.
 */
export async function mailboxesToPoll(
  db: Database,
  which: { mailboxId: string } | { divisionId: string } | { all: true },
): Promise<MailboxRef[]> {
  const filter =
    "mailboxId" in which
      ? eq(mailboxes.id, which.mailboxId)
      : "divisionId" in which
        ? and(eq(mailboxes.divisionId, which.divisionId), eq(mailboxes.active, true))
        : and(eq(mailboxes.active, true), eq(divisions.dispatcherActive, true));
  return db
    .select({
      tenantId: mailboxes.tenantId,
      divisionId: mailboxes.divisionId,
      mailboxId: mailboxes.id,
      address: mailboxes.address,
    })
    .from(mailboxes)
    .innerJoin(divisions, eq(divisions.id, mailboxes.divisionId))
    .where(and(filter, isNull(mailboxes.removedAt)))
    .orderBy(asc(mailboxes.createdAt));
}
