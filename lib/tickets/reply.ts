import crypto from "node:crypto";
import { and, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { attachments, contacts, divisions, type Message, messages, type OutboxEntry, tickets, users } from "@/db/schema";
import { restartServiceTargets } from "@/lib/divisions/service-targets";
import { NotFoundError, RuleError } from "@/lib/errors";
import { replyAddressFor } from "@/lib/mail/reply-token";
import { type Signature, signedReply } from "@/lib/mail/signature";
import { subjectWithTag } from "@/lib/mail/subject";
import type { Address } from "@/lib/mail/types";
import { referencesAfter, threadHeaders } from "@/lib/mail/message-ids";
import { enqueueMail, newMessageId } from "@/lib/outbox/enqueue";
import { ticketSender } from "@/lib/outbox/sender";
import type { TenantScope } from "@/db/tenant";
import { assertNotTrashed } from "./tickets";

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

async function loadTicket(tx: Executor, scope: TenantScope, ticketId: string) {
  const [row] = await tx
    .select({ ticket: tickets, division: divisions, contactEmail: contacts.email, contactName: contacts.name })
    .from(tickets)
    .innerJoin(divisions, eq(divisions.id, tickets.divisionId))
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  if (!row) throw new NotFoundError("ticket");
  assertNotTrashed(row.ticket);
  return row;
}

/** The newest mail on the ticket that has a Message-ID: what a reply continues. */
async function lastMail(tx: Executor, scope: TenantScope, ticketId: string) {
  const [row] = await tx
    .select({
      messageId: messages.messageId,
      references: messages.references,
      fromAddress: messages.fromAddress,
      fromName: messages.fromName,
    })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, scope.tenantId),
        eq(messages.ticketId, ticketId),
        inArray(messages.direction, ["inbound", "outbound"]),
        isNotNull(messages.messageId),
        isNull(messages.deletedAt),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row ?? null;
}

/** The replying member's signature; the operator (the CLI) signs nothing. */
async function signatureOf(tx: Executor, scope: TenantScope): Promise<Signature> {
  if (!scope.userId) return { html: null, text: null };
  const [row] = await tx
    .select({ html: users.signatureHtml, text: users.signatureText })
    .from(users)
    .where(eq(users.id, scope.userId));
  return row ?? { html: null, text: null };
}

/**
 * A staff reply from a ticket: stored as the ticket's outbound message and queued in the outbox, from
 * the ticket's team mailbox (else the replying member's default account, else the division's),
 * continuing the customer's thread, with the ticket tag in the subject once and, where the division
 * uses plus-addressing, a signed reply address, signed with the member's signature below the reply's
 * text (the message keeps the reply alone as what the app shows). The ticket becomes Answered.
 */
export async function replyToTicket(
  tx: Executor,
  scope: TenantScope,
  input: {
    ticketId: string;
    text: string;
    attachments?: OutgoingAttachment[];
    /** Extra recipients beside the customer. */
    cc?: string[];
    now?: Date;
  },
): Promise<{ message: Message; outbox: OutboxEntry }> {
  const now = input.now ?? new Date();
  const { ticket, division, contactEmail, contactName } = await loadTicket(tx, scope, input.ticketId);
  const parent = await lastMail(tx, scope, ticket.id);
  const customer: Address | null = contactEmail
    ? { address: contactEmail, ...(contactName ? { name: contactName } : {}) }
    : parent?.fromAddress
      ? { address: parent.fromAddress, ...(parent.fromName ? { name: parent.fromName } : {}) }
      : null;
  if (!customer) throw new RuleError("ticketHasNoCustomer");
  if (input.text.trim() === "") throw new RuleError("invalidInput", { text: ["required"] });

  const body = signedReply(input.text, await signatureOf(tx, scope));
  const sender = await ticketSender(tx, scope, ticket, { writtenBy: scope.userId });
  const messageId = newMessageId(sender?.address);
  const references = referencesAfter(parent);
  const subject = `Re: ${subjectWithTag(ticket.subject, division.tag, ticket.number)}`;
  const cc = (input.cc ?? []).map((address) => ({ address: address.toLowerCase() }));
  const replyTo =
    sender && division.plusAddressing ? replyAddressFor(sender.replyTo, ticket) : (sender?.replyTo ?? null);

  const [message] = await tx
    .insert(messages)
    .values({
      tenantId: scope.tenantId,
      ticketId: ticket.id,
      direction: "outbound",
      messageId,
      inReplyTo: parent?.messageId ?? null,
      references,
      fromAddress: sender?.address ?? null,
      fromName: sender?.name ?? null,
      toAddresses: [customer],
      ccAddresses: cc,
      subject,
      text: body.text,
      html: body.html,
      displayText: input.text,
      private: division.markOutgoingPrivate,
      authorUserId: scope.userId,
      createdAt: now,
    })
    .returning();
  if (!message) throw new Error("Message insert returned nothing");
  const files = input.attachments ?? [];
  if (files.length > 0) {
    await tx.insert(attachments).values(
      files.map((file) => ({
        tenantId: scope.tenantId,
        messageId: message.id,
        filename: file.filename,
        contentType: file.contentType,
        size: file.content.length,
        content: file.content,
        sha256: crypto.createHash("sha256").update(file.content).digest("hex"),
      })),
    );
  }
  const queued = await enqueueMail(tx, scope, {
    divisionId: ticket.divisionId,
    kind: "reply",
    sender,
    to: [customer],
    cc,
    subject,
    text: body.text,
    html: body.html,
    headers: threadHeaders(parent?.messageId ?? null, references),
    replyTo,
    ticketId: ticket.id,
    messageRowId: message.id,
    messageId,
  });
  // The first response is kept once given (the service level measures it); answeredAt moves on.
  await tx
    .update(tickets)
    .set({
      status: "answered",
      answeredAt: now,
      firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, ${now.toISOString()}::timestamptz)`,
      firstResponseById: sql`case when ${tickets.firstResponseAt} is null then ${scope.userId}::uuid else ${tickets.firstResponseById} end`,
      updatedAt: now,
    })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)));
  // A reply on a closed ticket takes it up again: its resolution counts from now.
  if (ticket.status === "closed") await restartServiceTargets(tx, scope, ticket, now);
  return { message, outbox: queued };
}

/** An internal note: on the ticket for staff, never sent. */
export async function addNote(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; text: string; now?: Date },
): Promise<Message> {
  const { ticket } = await loadTicket(tx, scope, input.ticketId);
  if (input.text.trim() === "") throw new RuleError("invalidInput", { text: ["required"] });
  const now = input.now ?? new Date();
  const [note] = await tx
    .insert(messages)
    .values({
      tenantId: scope.tenantId,
      ticketId: ticket.id,
      direction: "note",
      private: true,
      text: input.text,
      displayText: input.text,
      authorUserId: scope.userId,
      createdAt: now,
    })
    .returning();
  await tx
    .update(tickets)
    .set({ updatedAt: now })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)));
  return note!;
}
