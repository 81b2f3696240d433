import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { contacts, messages, outbox, tickets } from "@/db/schema";
import { tokenMatches, tokensIn } from "@/lib/mail/reply-token";
import { findTicketTag, normalizeSubject } from "@/lib/mail/subject";
import type { ParsedEmail } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";
import type { ThreadMatch } from "./decide";

/**
 * Which ticket a mail belongs to, in ARCHITECTURE.md's order, first match wins:
 * 1. In-Reply-To / References (and, for a bounce, the message it reports on) name a message we
 *    stored or sent (a reply or a confirmation), anywhere in the tenant (a ticket may have moved division).
 * 2. A recipient address carries the signed ticket token of plus-addressing (lib/mail/reply-token),
 *    on a ticket of this division. The signature stands in for the sender check.
 * 3. The subject carries this division's `[TAG#n]` and the sender is a participant of ticket n.
 * 4. The same normalized subject, from a participant, on a ticket of this division that is not closed.
 * With the division's sender check off, 3 and 4 skip the participant check: the subject alone decides.
 */
export async function findThread(
  tx: Executor,
  scope: TenantScope,
  division: { id: string; tag: string; checkSenderOnSubjectMatch: boolean },
  email: ParsedEmail,
  reportedMessageIds: string[] = [],
): Promise<ThreadMatch | null> {
  const byHeader = await threadByHeaders(tx, scope, [
    ...(email.inReplyTo ? [email.inReplyTo] : []),
    ...[...email.references].reverse(),
    ...reportedMessageIds,
  ]);
  if (byHeader) return byHeader;
  const byToken = await threadByToken(tx, scope, division.id, email);
  if (byToken) return byToken;

  const sender = email.from?.address ?? null;
  const mustBeParticipant = division.checkSenderOnSubjectMatch;
  const accepts = async (ticketId: string) =>
    !mustBeParticipant || (sender !== null && (await isParticipant(tx, scope, ticketId, sender)));

  const number = findTicketTag(email.subject, division.tag);
  if (number !== null) {
    const [ticket] = await tx
      .select({ id: tickets.id, status: tickets.status, closedAt: tickets.closedAt })
      .from(tickets)
      .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.divisionId, division.id), eq(tickets.number, number)));
    if (ticket && (await accepts(ticket.id))) {
      return { ticketId: ticket.id, status: ticket.status, closedAt: ticket.closedAt, reason: "tag" };
    }
  }

  const subject = normalizeSubject(email.subject);
  if (subject) {
    const candidates = await tx
      .select({ id: tickets.id, status: tickets.status, closedAt: tickets.closedAt })
      .from(tickets)
      .where(
        and(
          eq(tickets.tenantId, scope.tenantId),
          eq(tickets.divisionId, division.id),
          eq(tickets.normalizedSubject, subject),
          ne(tickets.status, "closed"),
        ),
      )
      .orderBy(desc(tickets.updatedAt))
      .limit(10);
    for (const ticket of candidates) {
      if (await accepts(ticket.id)) {
        return { ticketId: ticket.id, status: ticket.status, closedAt: ticket.closedAt, reason: "subject" };
      }
    }
  }
  return null;
}

async function threadByHeaders(tx: Executor, scope: TenantScope, messageIds: string[]): Promise<ThreadMatch | null> {
  const wanted = [...new Set(messageIds.filter(Boolean))];
  if (wanted.length === 0) return null;
  const columns = { ticketId: tickets.id, status: tickets.status, closedAt: tickets.closedAt };
  const found = [
    ...(await tx
      .select({ messageId: messages.messageId, ...columns })
      .from(messages)
      .innerJoin(tickets, eq(tickets.id, messages.ticketId))
      .where(and(eq(messages.tenantId, scope.tenantId), inArray(messages.messageId, wanted)))),
    // Confirmations are sent for a ticket without being one of its messages. Staff notifications
    // are left out: a colleague answering one is not the customer writing.
    ...(await tx
      .select({ messageId: outbox.messageId, ...columns })
      .from(outbox)
      .innerJoin(tickets, eq(tickets.id, outbox.ticketId))
      .where(
        and(
          eq(outbox.tenantId, scope.tenantId),
          inArray(outbox.messageId, wanted),
          inArray(outbox.kind, ["reply", "confirmation"]),
        ),
      )),
  ];
  // The reference nearest to this mail wins: In-Reply-To, then References from the newest.
  for (const id of wanted) {
    const match = found.find((row) => row.messageId === id);
    if (match) return { ticketId: match.ticketId, status: match.status, closedAt: match.closedAt, reason: "header" };
  }
  return null;
}

/** Where the mail was addressed: its To and Cc, and the envelope recipients servers record. */
function recipientAddresses(email: ParsedEmail): string[] {
  const envelope = ["delivered-to", "x-original-to", "envelope-to"].flatMap((name) => email.headers[name] ?? []);
  return [
    ...email.to.map((a) => a.address),
    ...email.cc.map((a) => a.address),
    ...envelope.flatMap((value) => value.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []),
  ];
}

async function threadByToken(tx: Executor, scope: TenantScope, divisionId: string, email: ParsedEmail): Promise<ThreadMatch | null> {
  for (const token of tokensIn(recipientAddresses(email))) {
    const [ticket] = await tx
      .select({ id: tickets.id, status: tickets.status, closedAt: tickets.closedAt })
      .from(tickets)
      .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.divisionId, divisionId), eq(tickets.number, token.number)));
    if (ticket && tokenMatches(token, ticket.id)) {
      return { ticketId: ticket.id, status: ticket.status, closedAt: ticket.closedAt, reason: "token" };
    }
  }
  return null;
}

/** The ticket's contact, or anyone who wrote to, or was written to on, the ticket. */
async function isParticipant(tx: Executor, scope: TenantScope, ticketId: string, address: string): Promise<boolean> {
  const onList = JSON.stringify([{ address }]);
  const [row] = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.id, ticketId),
        sql`(${contacts.email} = ${address} or exists (
          select 1 from ${messages} m where m.ticket_id = ${tickets.id} and (
            m.from_address = ${address} or m.to_addresses @> ${onList}::jsonb or m.cc_addresses @> ${onList}::jsonb
          )
        ))`,
      ),
    );
  return Boolean(row);
}
