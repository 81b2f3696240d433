import { type SQL, sql } from "drizzle-orm";
import { inboundEmails, mailboxes, messages, tickets } from "@/db/schema";
import { seesEveryMailbox, type TenantScope } from "@/db/tenant";

/**
 * Who may read the mail of a mailbox marked "Mark incoming mail as private": the members who manage
 * mailboxes (and the operator), and those with access to other operators' email accounts.
 */
export function mayReadPrivateMail(scope: TenantScope): boolean {
  return seesEveryMailbox(scope);
}

/**
 * A condition on a query of `tickets`: for a member who may not read private mail, only the tickets
 * holding no message that came in through a private mailbox; nothing (every ticket) for one who may.
 * Each ticket's messages are found through messages_ticket_idx, their mail and mailbox by key. A
 * message in the trash counts too: restored, it would show again.
 */
export function withoutPrivateMail(scope: TenantScope): SQL | undefined {
  if (mayReadPrivateMail(scope)) return undefined;
  return sql`not exists (
    select 1 from ${messages}
    join ${inboundEmails} on ${inboundEmails.tenantId} = ${scope.tenantId} and ${inboundEmails.id} = ${messages.inboundEmailId}
    join ${mailboxes} on ${mailboxes.tenantId} = ${scope.tenantId} and ${mailboxes.id} = ${inboundEmails.mailboxId}
    where ${messages.tenantId} = ${scope.tenantId} and ${messages.ticketId} = ${tickets.id} and ${mailboxes.privateMail}
  )`;
}
