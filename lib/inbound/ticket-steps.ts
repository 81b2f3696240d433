import type { Executor } from "@/db/client";
import type { Division, Ticket } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { domainOf } from "@/lib/mail/addresses";
import { detectAutomated } from "@/lib/mail/automated";
import type { Automated, ParsedEmail } from "@/lib/mail/types";
import { emailNewTicket } from "@/lib/notifications/email";
import { addEmailToTicket, createTicketFromEmail, markCustomerReply, type TicketDefaults } from "@/lib/tickets/from-email";
import { queueConfirmation } from "./confirmation";

/**
 * The two things a mail can become on the help desk, shared by the pipeline (process.ts) and by the
 * staff's decisions on the waiting list (waiting-decisions.ts), so that a ticket is made from a mail
 * one way only, with the same confirmation and notification rules.
 */

/** Whether a mail is machine-made, seen against the addresses the tenant sends from. */
export function automatedOf(email: ParsedEmail, ownAddresses: string[]): Automated | null {
  return detectAutomated(email, { ownAddresses, ownMessageIdDomains: [...new Set(ownAddresses.map(domainOf))] });
}

/**
 * A new ticket from a mail: the ticket, the mail as its first message with its attachments, the
 * customer's confirmation (when the division sends them, within its rate limit) and the staff's
 * notification, all in the caller's transaction, so they go out only if the ticket is committed.
 */
export async function openTicketFromEmail(
  tx: Executor,
  scope: TenantScope,
  input: {
    division: Division;
    email: ParsedEmail;
    inboundEmailId: string;
    /** The customer's contact; null for a sender who is not (and is not to be) registered. */
    contactId: string | null;
    highlighted: boolean;
    followUpOfId: string | null;
    defaults: TicketDefaults;
    automated: Automated | null;
    ownAddresses: string[];
    now: Date;
  },
): Promise<Ticket> {
  const { division, email, now } = input;
  const ticket = await createTicketFromEmail(tx, scope, {
    divisionId: division.id,
    email,
    contactId: input.contactId,
    highlighted: input.highlighted,
    followUpOfId: input.followUpOfId,
    defaults: input.defaults,
    now,
  });
  await addEmailToTicket(tx, scope, {
    ticketId: ticket.id,
    email,
    inboundEmailId: input.inboundEmailId,
    asNote: false,
    threadReason: "new",
  });
  await queueConfirmation(tx, scope, { division, ticket, email, automated: input.automated, ownAddresses: input.ownAddresses, now });
  await emailNewTicket(tx, scope, { ticket, customerName: email.from ? (email.from.name ?? email.from.address) : null });
  return ticket;
}

/**
 * A mail put on an existing ticket: as the customer's message, which makes the ticket theirs to
 * answer again (a closed one reopens), or as a private note that changes nothing.
 */
export async function addEmailToExistingTicket(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; email: ParsedEmail; inboundEmailId: string; asNote: boolean; threadReason: string; now: Date },
): Promise<void> {
  await addEmailToTicket(tx, scope, input);
  if (!input.asNote) await markCustomerReply(tx, scope, input.ticketId, input.now);
}
