import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import {
  attachments,
  contacts,
  divisions,
  type Message,
  messages,
  type OutboxStatus,
  outbox,
  teams,
  type Ticket,
  tickets,
  users,
} from "@/db/schema";
import { NotFoundError, RuleError } from "@/lib/errors";
import type { TenantScope } from "@/db/tenant";

/** The messages a ticket shows: not in the trash. */
const shownMessage = () => isNull(messages.deletedAt);

/** A ticket with its messages (oldest first) and the names of their attachments. */
export async function getTicketWithMessages(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; number: number },
) {
  const [row] = await tx
    .select({ ticket: tickets, contactEmail: contacts.email, contactName: contacts.name })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, input.divisionId),
        eq(tickets.number, input.number),
      ),
    );
  if (!row) throw new NotFoundError("ticket");
  const rows = await tx
    .select({ message: messages, attachment: { filename: attachments.filename, contentType: attachments.contentType } })
    .from(messages)
    .leftJoin(attachments, eq(attachments.messageId, messages.id))
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, row.ticket.id), shownMessage()))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const byId = new Map<string, { message: (typeof rows)[number]["message"]; attachments: string[] }>();
  for (const { message, attachment } of rows) {
    const entry = byId.get(message.id) ?? { message, attachments: [] };
    if (attachment) entry.attachments.push(attachment.filename ?? attachment.contentType);
    byId.set(message.id, entry);
  }
  return { ...row, messages: [...byId.values()] };
}

/** What the ticket page lists of an attachment: never its bytes. */
export interface AttachmentMeta {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
}

/** Where an outbound message is on its way to the customer: its outbox row's state. */
export interface Delivery {
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  /** A SendErrorCode (lib/outbox/send-error.ts) the page explains. */
  lastErrorCode: string | null;
  lastError: string | null;
}

export type TicketMessage = Pick<
  Message,
  | "id"
  | "direction"
  | "fromAddress"
  | "fromName"
  | "toAddresses"
  | "ccAddresses"
  | "subject"
  | "text"
  | "displayText"
  | "html"
  | "private"
  | "createdAt"
> & {
  /** The staff member who wrote it; null for the customer's mail and automatic mail. */
  author: { id: string; name: string } | null;
  attachments: AttachmentMeta[];
  /** For outbound messages that went through the outbox; null otherwise. */
  delivery: Delivery | null;
};

export interface TicketView {
  ticket: Ticket;
  division: { id: string; name: string; tag: string; sendingEnabled: boolean };
  contact: { email: string; name: string | null } | null;
  team: { id: string; name: string } | null;
  assignee: { id: string; name: string; email: string } | null;
  messages: TicketMessage[];
}

/**
 * The ticket, locked until the transaction ends: a change to it reads and writes without a race.
 * A ticket in the trash is read-only until it is restored.
 */
export async function lockTicket(tx: Executor, scope: TenantScope, ticketId: string): Promise<Ticket> {
  const [ticket] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)))
    .for("update");
  if (!ticket) throw new NotFoundError("ticket");
  assertNotTrashed(ticket);
  return ticket;
}

/** Refuses a change to a ticket in the trash: it can be read and restored, nothing else. */
export function assertNotTrashed(ticket: Pick<Ticket, "deletedAt">): void {
  if (ticket.deletedAt) throw new RuleError("ticketInTrash");
}

/**
 * The ticket page: the ticket, where it sits (division, team, assignee), its customer, and its
 * messages oldest first, each with its attachments (no bytes) and, if it was mailed, its outbox state.
 */
export async function getTicket(tx: Executor, scope: TenantScope, ticketId: string): Promise<TicketView> {
  const [row] = await tx
    .select({
      ticket: tickets,
      division: { id: divisions.id, name: divisions.name, tag: divisions.tag, sendingEnabled: divisions.sendingEnabled },
      contactEmail: contacts.email,
      contactName: contacts.name,
      teamName: teams.name,
      assigneeName: users.name,
      assigneeEmail: users.email,
    })
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, tickets.divisionId)))
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, tickets.contactId)))
    .leftJoin(teams, and(eq(teams.tenantId, scope.tenantId), eq(teams.id, tickets.teamId)))
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  if (!row) throw new NotFoundError("ticket");
  const { ticket } = row;

  const messageRows = await tx
    .select({
      id: messages.id,
      direction: messages.direction,
      fromAddress: messages.fromAddress,
      fromName: messages.fromName,
      toAddresses: messages.toAddresses,
      ccAddresses: messages.ccAddresses,
      subject: messages.subject,
      text: messages.text,
      displayText: messages.displayText,
      html: messages.html,
      private: messages.private,
      createdAt: messages.createdAt,
      authorId: messages.authorUserId,
      authorName: users.name,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, ticket.id), shownMessage()))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const messageIds = messageRows.map((message) => message.id);

  const attachmentRows =
    messageIds.length === 0
      ? []
      : await tx
          .select({
            id: attachments.id,
            messageId: attachments.messageId,
            filename: attachments.filename,
            contentType: attachments.contentType,
            size: attachments.size,
            inline: attachments.inline,
          })
          .from(attachments)
          .where(and(eq(attachments.tenantId, scope.tenantId), inArray(attachments.messageId, messageIds)))
          .orderBy(asc(attachments.createdAt), asc(attachments.id));

  // Oldest first, so that if a message was ever queued twice its newest row wins below.
  const outboxRows =
    messageIds.length === 0
      ? []
      : await tx
          .select({
            messageRowId: outbox.messageRowId,
            status: outbox.status,
            attempts: outbox.attempts,
            nextAttemptAt: outbox.nextAttemptAt,
            sentAt: outbox.sentAt,
            lastErrorCode: outbox.lastErrorCode,
            lastError: outbox.lastError,
          })
          .from(outbox)
          .where(and(eq(outbox.tenantId, scope.tenantId), inArray(outbox.messageRowId, messageIds)))
          .orderBy(asc(outbox.createdAt), asc(outbox.id));

  const attachmentsOf = new Map<string, AttachmentMeta[]>();
  for (const { messageId, ...meta } of attachmentRows) {
    attachmentsOf.set(messageId, [...(attachmentsOf.get(messageId) ?? []), meta]);
  }
  const deliveryOf = new Map<string, Delivery>();
  for (const { messageRowId, ...delivery } of outboxRows) {
    if (messageRowId) deliveryOf.set(messageRowId, delivery);
  }

  return {
    ticket,
    division: row.division,
    contact: row.contactEmail ? { email: row.contactEmail, name: row.contactName } : null,
    team: ticket.teamId && row.teamName ? { id: ticket.teamId, name: row.teamName } : null,
    assignee:
      ticket.assigneeId && row.assigneeName
        ? { id: ticket.assigneeId, name: row.assigneeName, email: row.assigneeEmail ?? "" }
        : null,
    messages: messageRows.map(({ authorId, authorName, ...message }) => ({
      ...message,
      author: authorId ? { id: authorId, name: authorName ?? "" } : null,
      attachments: attachmentsOf.get(message.id) ?? [],
      delivery: deliveryOf.get(message.id) ?? null,
    })),
  };
}

/** The ticket's customer (its contact), for mail that names them. */
export async function getTicketCustomer(
  tx: Executor,
  scope: TenantScope,
  ticketId: string,
): Promise<{ email: string; name: string | null } | null> {
  const [row] = await tx
    .select({ found: tickets.id, email: contacts.email, name: contacts.name })
    .from(tickets)
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, tickets.contactId)))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  if (!row) throw new NotFoundError("ticket");
  return row.email ? { email: row.email, name: row.name } : null;
}

/**
 * One attachment of one ticket, with its bytes, for download. The attachment must belong to a
 * message of that ticket in this tenant: an id from elsewhere is not found.
 */
export async function getTicketAttachment(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; attachmentId: string },
) {
  const [row] = await tx
    .select({
      id: attachments.id,
      filename: attachments.filename,
      contentType: attachments.contentType,
      size: attachments.size,
      content: attachments.content,
    })
    .from(attachments)
    .innerJoin(messages, and(eq(messages.tenantId, scope.tenantId), eq(messages.id, attachments.messageId)))
    .where(
      and(
        eq(attachments.tenantId, scope.tenantId),
        eq(attachments.id, input.attachmentId),
        eq(messages.ticketId, input.ticketId),
        // A trashed message's files go with it: not downloadable until it is restored.
        shownMessage(),
      ),
    );
  if (!row) throw new NotFoundError("attachment");
  return row;
}
