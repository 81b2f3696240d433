import { and, eq, gt, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Division, type OutboxEntry, outbox, type Ticket } from "@/db/schema";
import { helpCenterUrlOf } from "@/lib/knowledge/help-center";
import { AUTOMATIC_HEADERS } from "@/lib/mail/automated";
import { referencesAfter, threadHeaders } from "@/lib/mail/message-ids";
import { replyAddressFor } from "@/lib/mail/reply-token";
import type { Automated, ParsedEmail } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";
import { renderTemplate, type TemplateValues } from "@/lib/templates/render";
import { templateFor } from "@/lib/templates/templates";
import { enqueueMail, newMessageId } from "@/lib/outbox/enqueue";
import { ticketSender } from "@/lib/outbox/sender";

// Addresses that read no mail: a confirmation to them is noise at best, a bounce at worst.
const NO_REPLY_LOCAL = /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_]?daemon|postmaster|bounces?)(?:[+-].*)?$/i;

export type ConfirmationSkip = "disabled" | "automated" | "noSender" | "ownAddress" | "noReplyAddress" | "rateLimited";

/**
 * Why a new ticket gets no confirmation, or null when it gets one. Never to auto-replies, lists,
 * bulk mail, bounces, our own addresses (spam senders never make tickets at all), and at most
 * `confirmationsPerSenderPerHour` to one address: an autoresponder that answers every confirmation
 * with a new mail is starved after a few rounds instead of looping.
 */
export async function confirmationSkip(
  tx: Executor,
  scope: TenantScope,
  input: { division: Division; email: ParsedEmail; automated: Automated | null; ownAddresses: string[]; now: Date },
): Promise<ConfirmationSkip | null> {
  const { division, email } = input;
  if (!division.sendConfirmations) return "disabled";
  if (input.automated) return "automated";
  const to = recipientOf(email);
  if (!to) return "noSender";
  if (input.ownAddresses.includes(to)) return "ownAddress";
  if (NO_REPLY_LOCAL.test(to.split("@")[0] ?? "")) return "noReplyAddress";
  // Two mails of one sender processed at the same moment must not both slip under the limit.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`confirm:${division.id}:${to}`}, 0))`);
  const [sent] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(
      and(
        eq(outbox.tenantId, scope.tenantId),
        eq(outbox.divisionId, division.id),
        eq(outbox.kind, "confirmation"),
        gt(outbox.createdAt, new Date(input.now.getTime() - 3_600_000)),
        sql`${outbox.toAddresses} @> ${JSON.stringify([{ address: to }])}::jsonb`,
      ),
    );
  return (sent?.n ?? 0) >= division.confirmationsPerSenderPerHour ? "rateLimited" : null;
}

function recipientOf(email: ParsedEmail): string | null {
  return (email.replyTo[0]?.address ?? email.from?.address ?? null)?.toLowerCase() ?? null;
}

/**
 * Queues the confirmation of a new ticket, in the division's language, from the ticket's mailbox,
 * answering the customer's mail. It is not a message of the ticket (staff did not write it); a reply
 * to it threads by header through the outbox row's Message-ID.
 */
export async function queueConfirmation(
  tx: Executor,
  scope: TenantScope,
  input: {
    division: Division;
    ticket: Ticket;
    email: ParsedEmail;
    automated: Automated | null;
    ownAddresses: string[];
    now: Date;
  },
): Promise<OutboxEntry | null> {
  if ((await confirmationSkip(tx, scope, input)) !== null) return null;
  const { division, ticket, email } = input;
  const to = recipientOf(email)!;
  const template = await templateFor(tx, scope, { divisionId: division.id, kind: "confirmation", locale: division.language });
  const values: TemplateValues<"confirmation"> = {
    tag: division.tag,
    ticketNumber: ticket.number,
    subject: ticket.subject,
    customerName: email.from?.name || to,
    divisionName: division.name,
    helpCenterUrl: await helpCenterUrlOf(tx, scope, division),
  };
  const subject = renderTemplate(template.subject, values);
  const text = renderTemplate(template.body, values);
  const sender = await ticketSender(tx, scope, ticket);
  const messageId = newMessageId(sender?.address);
  const references = referencesAfter({ messageId: email.messageId, references: email.references });
  return enqueueMail(tx, scope, {
    divisionId: division.id,
    kind: "confirmation",
    sender,
    to: [{ address: to, ...(email.from?.name ? { name: email.from.name } : {}) }],
    subject,
    text,
    headers: { ...threadHeaders(email.messageId, references), ...AUTOMATIC_HEADERS },
    replyTo: sender && division.plusAddressing ? replyAddressFor(sender.replyTo, ticket) : null,
    ticketId: ticket.id,
    messageId,
  });
}
