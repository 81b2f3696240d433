import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { largeBytea } from "@/db/large-bytea";
import { attachments, messages, type Ticket, type TicketPriority, tickets } from "@/db/schema";
import { normalizeSubject } from "@/lib/mail/subject";
import type { ParsedEmail } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";
import { newTicketTargets, restartServiceTargets } from "@/lib/divisions/service-targets";
import { nextTicketNumber } from "./numbering";

/**
 * What a ticket made from a mail starts with: the mailbox it came through (who may see the ticket
 * follows it, migration 0024) and that mailbox's defaults. `NO_MAILBOX` for imported mail.
 */
export interface TicketDefaults {
  mailboxId: string | null;
  /** The team of the mailbox it arrived in: its mail leaves from that team's address. */
  teamId: string | null;
  priority: TicketPriority;
  tags: string[];
  assigneeId: string | null;
}

export const NO_MAILBOX: TicketDefaults = { mailboxId: null, teamId: null, priority: "normal", tags: [], assigneeId: null };

export async function createTicketFromEmail(
  tx: Executor,
  scope: TenantScope,
  input: {
    divisionId: string;
    email: ParsedEmail;
    /** Null for a sender staff made a ticket for without registering them as a contact. */
    contactId: string | null;
    highlighted: boolean;
    followUpOfId: string | null;
    defaults: TicketDefaults;
    now: Date;
  },
): Promise<Ticket> {
  const number = await nextTicketNumber(tx, scope, input.divisionId);
  // Mail without a mailbox is imported (lib/inbound/import.ts), processed in bulk at import time:
  // its tickets keep their targets (the queue shows them breaching), but send no escalation email,
  // or an import of a thousand old mails would mail the staff a thousand times as they fall due.
  const targets = await newTicketTargets(tx, scope, input.divisionId, input.now, {
    quiet: input.defaults.mailboxId === null,
  });
  const [ticket] = await tx
    .insert(tickets)
    .values({
      tenantId: scope.tenantId,
      divisionId: input.divisionId,
      number,
      subject: input.email.subject.trim(),
      normalizedSubject: normalizeSubject(input.email.subject),
      contactId: input.contactId,
      highlighted: input.highlighted,
      followUpOfId: input.followUpOfId,
      mailboxId: input.defaults.mailboxId,
      teamId: input.defaults.teamId,
      priority: input.defaults.priority,
      tags: input.defaults.tags,
      assigneeId: input.defaults.assigneeId,
      lastCustomerMessageAt: input.now,
      ...targets,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning();
  if (!ticket) throw new Error("Ticket insert returned nothing");
  return ticket;
}

/** Puts an inbound email on a ticket: the message (or a private note) and its attachments. */
export async function addEmailToTicket(
  tx: Executor,
  scope: TenantScope,
  input: {
    ticketId: string;
    email: ParsedEmail;
    inboundEmailId: string;
    asNote: boolean;
    threadReason: string;
  },
): Promise<string> {
  const { email } = input;
  const [message] = await tx
    .insert(messages)
    .values({
      tenantId: scope.tenantId,
      ticketId: input.ticketId,
      direction: input.asNote ? "note" : "inbound",
      private: input.asNote,
      messageId: email.messageId,
      inReplyTo: email.inReplyTo,
      references: email.references,
      fromAddress: email.from?.address ?? null,
      fromName: email.from?.name ?? null,
      toAddresses: email.to,
      ccAddresses: email.cc,
      subject: email.subject,
      text: email.text,
      html: email.html,
      displayText: email.displayText,
      inboundEmailId: input.inboundEmailId,
      threadReason: input.threadReason,
    })
    .returning({ id: messages.id });
  if (!message) throw new Error("Message insert returned nothing");
  // One at a time: a big attachment goes to the database a slice at a time (largeBytea), and a
  // statement never carries more than one attachment's bytes.
  for (const attachment of email.attachments) {
    const content = await largeBytea(tx, attachment.content);
    await tx.insert(attachments).values({
      tenantId: scope.tenantId,
      messageId: message.id,
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      contentId: attachment.contentId,
      inline: attachment.inline,
      content: content.value,
      sha256: attachment.sha256,
    });
    await content.release();
  }
  return message.id;
}

/**
 * A customer wrote: the ticket is theirs to answer again. A closed one reopens, and its service-level
 * targets count again from now, or it would be breached the moment it reopened.
 */
export async function markCustomerReply(tx: Executor, scope: TenantScope, ticketId: string, now: Date): Promise<void> {
  const [before] = await tx
    .select({ status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)))
    .for("update");
  const reopens = before?.status === "closed";
  const [ticket] = await tx
    .update(tickets)
    .set({ status: "open", closedAt: null, lastCustomerMessageAt: now, updatedAt: now })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)))
    .returning({ id: tickets.id, divisionId: tickets.divisionId });
  if (reopens && ticket) await restartServiceTargets(tx, scope, ticket, now);
}
