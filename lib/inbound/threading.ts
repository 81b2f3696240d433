import { and, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { contacts, messages, outbox, tickets } from "@/db/schema";
import { tokenMatches, tokensIn } from "@/lib/mail/reply-token";
import { findTicketTag, normalizeSubject } from "@/lib/mail/subject";
import { survivorOf } from "@/lib/tickets/merge";
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
 * 5. A ticket found by 1 to 3 that was merged into another (lib/tickets/merge.ts) stands for the
 *    survivor: its `mergedIntoId` is followed, through chains, to the ticket that lives on. For 3 the
 *    sender may be a participant of either (the merged ticket keeps its contact; its messages moved).
 *    Step 4 never finds a merged ticket: merging closes it.
 * A ticket or message in the trash is never found: a reply to it opens a new ticket instead of
 * vanishing into the trash.
 *
 * The answer holds until the transaction that acts on it ends: two mails of one conversation
 * processed at the same moment (a customer writing to several of the division's mailboxes, polled by
 * two workers) are decided one after the other, so the second finds the ticket the first opened
 * instead of opening its own (see lockConversation).
 */
export async function findThread(
  tx: Executor,
  scope: TenantScope,
  division: { id: string; tag: string; checkSenderOnSubjectMatch: boolean },
  email: ParsedEmail,
  reportedMessageIds: string[] = [],
): Promise<ThreadMatch | null> {
  await lockConversation(tx, division, email);
  const match = await findNamedThread(tx, scope, division, email, reportedMessageIds);
  return match && followMerges(tx, scope, match);
}

/** Steps 1 to 4, before a merged ticket is followed to its survivor. */
async function findNamedThread(
  tx: Executor,
  scope: TenantScope,
  division: { id: string; tag: string; checkSenderOnSubjectMatch: boolean },
  email: ParsedEmail,
  reportedMessageIds: string[],
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
      .where(
        and(
          eq(tickets.tenantId, scope.tenantId),
          eq(tickets.divisionId, division.id),
          eq(tickets.number, number),
          isNull(tickets.deletedAt),
        ),
      );
    // A merged ticket keeps its contact, but its messages (its other participants) are on the survivor.
    if (ticket && ((await accepts(ticket.id)) || (await accepts(await survivorOf(tx, scope, ticket.id))))) {
      return { ticketId: ticket.id, status: ticket.status, closedAt: ticket.closedAt, reason: "tag" };
    }
  }

  const subject = normalizeSubject(email.subject);
  if (!subject || (mustBeParticipant && sender === null)) return null;
  // The participant check is part of the query: many customers share a subject ("Invoice"), and
  // the sender's own ticket need not be among the most recent of them.
  const [ticket] = await tx
    .select({ id: tickets.id, status: tickets.status, closedAt: tickets.closedAt })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, division.id),
        // The hash is what tickets_subject_idx holds; the subject itself settles a collision.
        sql`md5(${tickets.normalizedSubject}) = md5(${subject})`,
        eq(tickets.normalizedSubject, subject),
        ne(tickets.status, "closed"),
        isNull(tickets.deletedAt),
        mustBeParticipant && sender !== null ? participates(sender) : undefined,
      ),
    )
    .orderBy(desc(tickets.updatedAt))
    .limit(1);
  return ticket ? { ticketId: ticket.id, status: ticket.status, closedAt: ticket.closedAt, reason: "subject" } : null;
}

/**
 * Step 5: the ticket a match names, or the survivor it was merged into, with the survivor's state.
 * A survivor in the trash (or gone) is no thread: the mail opens a new ticket, as for any trashed one.
 */
async function followMerges(tx: Executor, scope: TenantScope, match: ThreadMatch): Promise<ThreadMatch | null> {
  const survivorId = await survivorOf(tx, scope, match.ticketId);
  if (survivorId === match.ticketId) return match;
  const [survivor] = await tx
    .select({ status: tickets.status, closedAt: tickets.closedAt })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, survivorId), isNull(tickets.deletedAt)));
  return survivor ? { ...match, ticketId: survivorId, status: survivor.status, closedAt: survivor.closedAt } : null;
}

/**
 * A transaction lock on the conversation a mail may open: its division, its normalized subject and,
 * where the sender check is on, its sender (with the check off, the subject alone joins mails, so it
 * alone names the conversation). Taken before any lookup, held until the outcome is committed.
 * Different conversations never wait for each other, and each mail takes one such lock, so two
 * transactions cannot wait on each other's.
 */
async function lockConversation(
  tx: Executor,
  division: { id: string; checkSenderOnSubjectMatch: boolean },
  email: ParsedEmail,
): Promise<void> {
  const sender = division.checkSenderOnSubjectMatch ? (email.from?.address ?? "") : "";
  const conversation = `thread:${division.id}:${sender}:${normalizeSubject(email.subject)}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${conversation}, 0))`);
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
      .where(
          and(
            eq(messages.tenantId, scope.tenantId),
            inArray(messages.messageId, wanted),
            isNull(messages.deletedAt),
            isNull(tickets.deletedAt),
          ),
        )),
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
          isNull(tickets.deletedAt),
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
      .where(
        and(
          eq(tickets.tenantId, scope.tenantId),
          eq(tickets.divisionId, divisionId),
          eq(tickets.number, token.number),
          isNull(tickets.deletedAt),
        ),
      );
    if (ticket && tokenMatches(token, ticket.id)) {
      return { ticketId: ticket.id, status: ticket.status, closedAt: ticket.closedAt, reason: "token" };
    }
  }
  return null;
}

/**
 * The address is the ticket's contact, or wrote to, or was written to on, the ticket: for a query
 * over tickets left-joined to their contact.
 */
function participates(address: string) {
  const onList = JSON.stringify([{ address }]);
  return sql`(${contacts.email} = ${address} or exists (
    select 1 from ${messages} m where m.ticket_id = ${tickets.id} and (
      m.from_address = ${address} or m.to_addresses @> ${onList}::jsonb or m.cc_addresses @> ${onList}::jsonb
    )
  ))`;
}

async function isParticipant(tx: Executor, scope: TenantScope, ticketId: string, address: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .leftJoin(contacts, eq(contacts.id, tickets.contactId))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId), participates(address)));
  return Boolean(row);
}
