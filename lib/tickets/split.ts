import { and, count, eq, max } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inboundEmails, messages, outbox, type Ticket, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { registerContact } from "@/lib/contacts/contacts";
import { newTicketTargets } from "@/lib/divisions/service-targets";
import { NotFoundError, RuleError } from "@/lib/errors";
import { normalizeSubject } from "@/lib/mail/subject";
import { nextTicketNumber } from "./numbering";
import { lockTicket } from "./tickets";

/**
 * Splits one message out of its ticket into a new ticket of the same division and team: the next
 * number there, the message's subject, and as customer whoever wrote it (a customer's mail: its
 * sender, registered as a contact when new) or else the ticket's customer. The message moves with
 * its attachments, the inbound email it came from and its outbox row, so replies to it thread to the
 * new ticket. Its service-level targets count from the split: it is new work from then on. A ticket's
 * only message stays: splitting it would leave an empty ticket. Any member may split.
 */
export async function splitMessage(
  tx: Executor,
  scope: TenantScope,
  input: { messageId: string; now?: Date },
): Promise<{ ticket: Ticket; from: Ticket }> {
  const [message] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, input.messageId)));
  if (!message) throw new NotFoundError("message");
  const from = await lockTicket(tx, scope, message.ticketId);
  const [onTicket] = await tx
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, from.id)));
  if ((onTicket?.n ?? 0) < 2) throw new RuleError("splitOnlyMessage");

  const now = input.now ?? new Date();
  const fromCustomer = message.direction === "inbound" && message.fromAddress !== null;
  const contactId = fromCustomer
    ? (await registerContact(tx, scope, { email: message.fromAddress!, name: message.fromName })).id
    : from.contactId;
  const subject = message.subject?.trim() || from.subject;
  const [ticket] = await tx
    .insert(tickets)
    .values({
      tenantId: scope.tenantId,
      divisionId: from.divisionId,
      number: await nextTicketNumber(tx, scope, from.divisionId),
      subject,
      normalizedSubject: normalizeSubject(subject),
      teamId: from.teamId,
      contactId,
      priority: from.priority,
      lastCustomerMessageAt: fromCustomer ? message.createdAt : null,
      ...(await newTicketTargets(tx, scope, from.divisionId, now)),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!ticket) throw new Error("Ticket insert returned nothing");

  await tx
    .update(messages)
    .set({ ticketId: ticket.id })
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, message.id)));
  await tx
    .update(outbox)
    .set({ ticketId: ticket.id })
    .where(and(eq(outbox.tenantId, scope.tenantId), eq(outbox.messageRowId, message.id)));
  if (message.inboundEmailId) {
    await tx
      .update(inboundEmails)
      .set({ ticketId: ticket.id })
      .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, message.inboundEmailId)));
  }
  // The old ticket's "customer wrote last" is now its latest remaining customer mail.
  const [latest] = await tx
    .select({ at: max(messages.createdAt) })
    .from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, from.id), eq(messages.direction, "inbound")));
  const [left] = await tx
    .update(tickets)
    .set({ lastCustomerMessageAt: latest?.at ?? null, updatedAt: now })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, from.id)))
    .returning();

  await recordAudit(
    tx,
    scope,
    "ticket.split",
    [
      { type: "ticket", id: from.id },
      { type: "ticket", id: ticket.id },
    ],
    { messageId: message.id, from: { id: from.id, number: from.number }, to: { id: ticket.id, number: ticket.number } },
  );
  return { ticket, from: left ?? from };
}
