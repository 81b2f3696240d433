import { and, asc, count, desc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { attachments, contacts, messages, type TicketStatus, tickets } from "@/db/schema";
import { getDivision } from "@/lib/divisions/divisions";
import { NotFoundError } from "@/lib/errors";
import type { TenantScope } from "@/lib/scope";

export async function listTickets(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; status?: TicketStatus },
) {
  await getDivision(tx, scope, input.divisionId);
  return tx
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      highlighted: tickets.highlighted,
      contactEmail: contacts.email,
      messageCount: count(messages.id),
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
    })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .leftJoin(messages, eq(messages.ticketId, tickets.id))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, input.divisionId),
        input.status ? eq(tickets.status, input.status) : undefined,
      ),
    )
    .groupBy(tickets.id, contacts.email)
    .orderBy(desc(tickets.number));
}

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
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, row.ticket.id)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const byId = new Map<string, { message: (typeof rows)[number]["message"]; attachments: string[] }>();
  for (const { message, attachment } of rows) {
    const entry = byId.get(message.id) ?? { message, attachments: [] };
    if (attachment) entry.attachments.push(attachment.filename ?? attachment.contentType);
    byId.set(message.id, entry);
  }
  return { ...row, messages: [...byId.values()] };
}
