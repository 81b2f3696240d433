import { randomBytes } from "node:crypto";
import type { Executor } from "@/db/client";
import { type OutboxEntry, type OutboxKind, outbox } from "@/db/schema";
import type { Address } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";
import type { Sender } from "./sender";

export interface OutgoingMail {
  divisionId: string;
  kind: OutboxKind;
  /** Null when the division has no mailbox: the row is kept and shows why it cannot be sent. */
  sender: Sender | null;
  to: Address[];
  cc?: Address[];
  subject: string;
  text: string;
  html?: string | null;
  /** In-Reply-To, References, Auto-Submitted, List-Unsubscribe, … */
  headers?: Record<string, string>;
  /** Overrides the sender's reply-to address (the signed ticket address). */
  replyTo?: string | null;
  ticketId?: string | null;
  /** The outbound message on the ticket; its attachments go with the mail. */
  messageRowId?: string | null;
  massMailingId?: string | null;
  /** Without angle brackets; generated in the sender's domain when not given. */
  messageId?: string;
  notBefore?: Date;
}

/** `<random>@<domain of the address>`, without angle brackets, as Message-IDs are stored. */
export function newMessageId(address: string | null | undefined): string {
  const domain = address?.split("@")[1]?.toLowerCase() || "postdesk.invalid";
  return `${randomBytes(12).toString("base64url")}.${Date.now().toString(36)}@${domain}`;
}

/**
 * Puts a mail in the outbox, inside the caller's transaction: it is sent only if what it belongs to
 * (a reply, a ticket) is committed, and nothing calls SMTP directly.
 */
export async function enqueueMail(tx: Executor, scope: TenantScope, mail: OutgoingMail): Promise<OutboxEntry> {
  const [row] = await tx
    .insert(outbox)
    .values({
      tenantId: scope.tenantId,
      divisionId: mail.divisionId,
      kind: mail.kind,
      ticketId: mail.ticketId ?? null,
      messageRowId: mail.messageRowId ?? null,
      massMailingId: mail.massMailingId ?? null,
      mailboxId: mail.sender?.mailboxId ?? null,
      fromAddress: mail.sender?.address ?? null,
      fromName: mail.sender?.name ?? null,
      replyTo: mail.replyTo ?? mail.sender?.replyTo ?? null,
      toAddresses: mail.to,
      ccAddresses: mail.cc ?? [],
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? null,
      headers: mail.headers ?? {},
      messageId: mail.messageId ?? newMessageId(mail.sender?.address),
      ...(mail.notBefore ? { nextAttemptAt: mail.notBefore } : {}),
    })
    .returning();
  if (!row) throw new Error("Outbox insert returned nothing");
  return row;
}
