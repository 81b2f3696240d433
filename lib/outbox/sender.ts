import { and, asc, desc, eq, isNull, ne } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Mailbox, mailboxes, teams } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { memberDefaultMailbox } from "@/lib/mailboxes/default-account";

/** Who a mail is from: fixed on the outbox row when it is queued. */
export interface Sender {
  mailboxId: string;
  address: string;
  name: string | null;
  /** Where replies should go: the mailbox's reply-to address, else the mailbox itself. */
  replyTo: string;
}

export function senderOf(mailbox: Mailbox): Sender {
  return {
    mailboxId: mailbox.id,
    address: mailbox.address,
    name: mailbox.smtpDisplayName ?? mailbox.name,
    replyTo: mailbox.smtpReplyTo ?? mailbox.address,
  };
}

/**
 * The mailbox a division's mail leaves from when no team says otherwise: the one marked default,
 * else its oldest active mailbox. A removed or inactive (paused, replaced) mailbox is never one: its
 * login may be wiped, and nobody watches its replies. Null when the division has none. `except`: a mailbox that cannot
 * send now (the one whose account must be connected again, for the notice about it).
 */
export async function divisionSender(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  options: { except?: string } = {},
): Promise<Sender | null> {
  const [mailbox] = await tx
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.tenantId, scope.tenantId),
        eq(mailboxes.divisionId, divisionId),
        eq(mailboxes.active, true),
        isNull(mailboxes.removedAt),
        options.except ? ne(mailboxes.id, options.except) : undefined,
      ),
    )
    .orderBy(desc(mailboxes.isDefault), asc(mailboxes.createdAt))
    .limit(1);
  return mailbox ? senderOf(mailbox) : null;
}

/**
 * The mailbox a ticket's mail leaves from: its team's outbound mailbox; else, for mail a person
 * writes (`writtenBy`: a reply, from the acting scope's user), their default account in the
 * ticket's division while they may still send from it; else the division's. Looked up when a mail is
 * queued, so after a ticket moves team the next mail leaves from the new team. Mail that no person
 * writes (a confirmation, an auto-close notice) passes no one.
 */
export async function ticketSender(
  tx: Executor,
  scope: TenantScope,
  ticket: { divisionId: string; teamId: string | null },
  options: { writtenBy?: string | null } = {},
): Promise<Sender | null> {
  if (ticket.teamId) {
    const [row] = await tx
      .select({ mailbox: mailboxes })
      .from(teams)
      .innerJoin(mailboxes, eq(mailboxes.id, teams.outboundMailboxId))
      .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.id, ticket.teamId)));
    if (row) return senderOf(row.mailbox);
  }
  if (options.writtenBy) {
    const own = await memberDefaultMailbox(tx, scope, { userId: options.writtenBy, divisionId: ticket.divisionId });
    if (own) return senderOf(own);
  }
  return divisionSender(tx, scope, ticket.divisionId);
}
