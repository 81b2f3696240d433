import { and, desc, eq, inArray, max, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { findDivisionMailbox } from "@/db/queries/mailboxes";
import { contacts, type Division, type MassMailing, massMailings, outbox, outboxStatusEnum, tickets } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { recordAudit } from "@/lib/audit";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { helpCenterUrlOf } from "@/lib/knowledge/help-center";
import { listOf, zodFieldErrors } from "@/lib/forms";
import type { OutboxCounts } from "@/lib/outbox/admin";
import { enqueueMail } from "@/lib/outbox/enqueue";
import { divisionSender, type Sender, senderOf } from "@/lib/outbox/sender";
import type { TenantScope } from "@/db/tenant";
import { templateFor } from "@/lib/templates/templates";
import {
  draftFromTemplate,
  hasUnsubscribeLink,
  massMailBodyPlaceholders,
  massMailSubjectPlaceholders,
  type MassMailText,
  renderMassMail,
  unusablePlaceholders,
} from "./render";
import { unsubscribeToken } from "./unsubscribe";

/** Mail per minute when the sender does not say: slow enough for most providers' bulk limits. */
export const DEFAULT_RATE_PER_MINUTE = 60;
export const MAX_RATE_PER_MINUTE = 1000;
export const MAX_RECIPIENTS = 5000;

// Bulk mail that no autoresponder should answer (RFC 3834 `auto-generated`, not `auto-replied`: it
// answers nothing), with the one-click unsubscribe of RFC 8058 that Gmail and Yahoo require of bulk senders.
const BULK_HEADERS = {
  Precedence: "bulk",
  "Auto-Submitted": "auto-generated",
  "X-Auto-Response-Suppress": "All",
} as const;

function massMailText(max: number, allowed: readonly string[]) {
  return z
    .string()
    .trim()
    .min(1, "required")
    .max(max, "tooLong")
    .refine((text) => unusablePlaceholders(text, allowed).length === 0, "unknownPlaceholder");
}

/** A new mass mail, as the form sends it. Messages are keys under `errors.`. */
export const massMailSchema = z.object({
  divisionId: z.uuid(),
  contactIds: listOf(z.uuid())
    .refine((ids) => ids.length > 0, "noRecipients")
    .refine((ids) => ids.length <= MAX_RECIPIENTS, "tooManyRecipients"),
  subject: massMailText(200, massMailSubjectPlaceholders),
  // Every mass mail says how to stop them: the header alone is not shown by every mail client.
  body: massMailText(20_000, massMailBodyPlaceholders).refine(hasUnsubscribeLink, "unsubscribeLinkMissing"),
  ratePerMinute: z.preprocess(
    (value) => (value === "" || value === undefined || value === null ? undefined : Number(value)),
    z.number().int("rateRange").min(1, "rateRange").max(MAX_RATE_PER_MINUTE, "rateRange").optional(),
  ),
});
export type MassMailInput = z.input<typeof massMailSchema>;

export interface MassMailOutcome {
  mailing: MassMailing;
  /** Mails put in the outbox, one per recipient. */
  queued: number;
  /** Chosen contacts who unsubscribed: they get nothing. */
  skippedUnsubscribed: number;
  /** When the last of the mails is due to leave. */
  lastAt: Date;
}

/**
 * The mailbox a division's mass mail leaves from: the one its settings choose for mass mail, else
 * the division's default sender. Null when the division has no mailbox.
 */
export async function massMailSender(
  tx: Executor,
  scope: TenantScope,
  division: Pick<Division, "id" | "massMailFromMailboxId">,
): Promise<Sender | null> {
  if (division.massMailFromMailboxId) {
    const mailbox = await findDivisionMailbox(tx, scope, { divisionId: division.id, mailboxId: division.massMailFromMailboxId });
    if (mailbox) return senderOf(mailbox);
  }
  return divisionSender(tx, scope, division.id);
}

/** Where a new mass mail starts: the division's mass mail template in its own language. */
export async function newMassMailDraft(tx: Executor, scope: TenantScope, divisionId: string): Promise<MassMailText> {
  const division = await getDivision(tx, scope, divisionId);
  const template = await templateFor(tx, scope, { divisionId, kind: "mass_mail", locale: division.language });
  return draftFromTemplate(template);
}

export interface MassMailCheck {
  /** Chosen contacts who will get the mail. */
  recipients: number;
  /** Chosen contacts who unsubscribed: they get nothing. */
  skippedUnsubscribed: number;
}

/**
 * The check step before a mass mail is confirmed: everything `sendMassMail` would refuse (the text,
 * a missing `{{link}}`, the recipients, the sender) is refused here with the same field errors, so
 * the user fixes it before the "send to N people" question, not after. Changes nothing.
 */
export async function checkMassMail(tx: Executor, scope: TenantScope, input: MassMailInput): Promise<MassMailCheck> {
  const checked = await checkedMassMail(tx, scope, input);
  return { recipients: checked.recipients.length, skippedUnsubscribed: checked.skippedUnsubscribed };
}

async function checkedMassMail(tx: Executor, scope: TenantScope, input: MassMailInput) {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const parsed = massMailSchema.safeParse(input);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  const { divisionId, subject, body } = parsed.data;
  const contactIds = [...new Set(parsed.data.contactIds)];
  const ratePerMinute = parsed.data.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE;

  const division = await getDivision(tx, scope, divisionId);
  const sender = await massMailSender(tx, scope, division);
  if (!sender) throw new RuleError("noSenderMailbox");

  const chosen = await tx
    .select({ id: contacts.id, email: contacts.email, name: contacts.name, unsubscribedAt: contacts.unsubscribedAt })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, scope.tenantId),
        inArray(contacts.id, contactIds),
        sql`exists (select 1 from ${tickets} where ${tickets.contactId} = ${contacts.id} and ${tickets.tenantId} = ${scope.tenantId} and ${tickets.divisionId} = ${divisionId})`,
      ),
    );
  // Someone else's contact, or one with no ticket in this division, is not a choice this form offers.
  if (chosen.length !== contactIds.length) throw new RuleError("invalidInput", { contactIds: ["invalidChoice"] });
  const byId = new Map(chosen.map((contact) => [contact.id, contact]));
  const recipients = contactIds.map((id) => byId.get(id)!).filter((contact) => contact.unsubscribedAt === null);
  const skippedUnsubscribed = contactIds.length - recipients.length;
  if (recipients.length === 0) throw new RuleError("allUnsubscribed", { contactIds: ["allUnsubscribed"] });
  return { divisionId, subject, body, ratePerMinute, division, sender, recipients, skippedUnsubscribed };
}

/**
 * Queues one mail to each chosen contact of a division, from its mass mail mailbox, personalised
 * and with the recipient's own unsubscribe link. Contacts who unsubscribed are skipped and counted.
 * The mails are spread over time (`ratePerMinute`, after any mass mail the same mailbox still has
 * waiting), so a mailing of thousands neither trips the provider's limits nor blocks replies.
 * It checks again what `checkMassMail` checked: the form's check step is not the only way in.
 */
export async function sendMassMail(
  tx: Executor,
  scope: TenantScope,
  input: MassMailInput,
  now = new Date(),
): Promise<MassMailOutcome> {
  const { divisionId, subject, body, ratePerMinute, division, sender, recipients, skippedUnsubscribed } =
    await checkedMassMail(tx, scope, input);

  const [mailing] = await tx
    .insert(massMailings)
    .values({
      tenantId: scope.tenantId,
      divisionId,
      subject,
      body,
      recipientCount: recipients.length,
      createdByUserId: scope.userId,
    })
    .returning();
  if (!mailing) throw new Error("Mass mailing insert returned nothing");

  const helpCenterUrl = await helpCenterUrlOf(tx, scope, division);
  const intervalMs = 60_000 / ratePerMinute;
  const startAt = await firstFreeSlot(tx, scope, sender.mailboxId, now, intervalMs);
  let lastAt = startAt;
  for (const [index, contact] of recipients.entries()) {
    const link = appUrl(`/unsubscribe/${unsubscribeToken({ id: contact.id, tenantId: scope.tenantId })}`);
    const mail = renderMassMail({ subject, body }, contact, { ...division, helpCenterUrl }, link);
    lastAt = new Date(startAt.getTime() + Math.round(index * intervalMs));
    await enqueueMail(tx, scope, {
      divisionId,
      kind: "mass_mail",
      sender,
      to: [{ address: contact.email, ...(contact.name ? { name: contact.name } : {}) }],
      subject: mail.subject,
      text: mail.body,
      headers: {
        ...BULK_HEADERS,
        "List-Unsubscribe": `<${link}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      massMailingId: mailing.id,
      notBefore: lastAt,
    });
  }

  await recordAudit(tx, scope, "mass_mail.sent", { type: "mass_mailing", id: mailing.id }, {
    divisionId,
    recipients: recipients.length,
    skippedUnsubscribed,
    ratePerMinute,
  });
  return { mailing, queued: recipients.length, skippedUnsubscribed, lastAt };
}

/**
 * Mass mail of one mailbox queued earlier and not yet sent keeps its pace: a new mailing lines up
 * behind it instead of doubling the rate.
 */
async function firstFreeSlot(
  tx: Executor,
  scope: TenantScope,
  mailboxId: string,
  now: Date,
  intervalMs: number,
): Promise<Date> {
  const [row] = await tx
    .select({ last: max(outbox.nextAttemptAt) })
    .from(outbox)
    .where(
      and(
        eq(outbox.tenantId, scope.tenantId),
        eq(outbox.mailboxId, mailboxId),
        eq(outbox.kind, "mass_mail"),
        eq(outbox.status, "ready"),
      ),
    );
  const after = row?.last ? row.last.getTime() + intervalMs : 0;
  return new Date(Math.max(now.getTime(), Math.round(after)));
}

function emptyCounts(): OutboxCounts {
  return Object.fromEntries(outboxStatusEnum.enumValues.map((status) => [status, 0])) as OutboxCounts;
}

async function countsOf(tx: Executor, scope: TenantScope, mailingIds: string[]): Promise<Map<string, OutboxCounts>> {
  const counts = new Map(mailingIds.map((id) => [id, emptyCounts()]));
  if (mailingIds.length === 0) return counts;
  const rows = await tx
    .select({ mailingId: outbox.massMailingId, status: outbox.status, n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(and(eq(outbox.tenantId, scope.tenantId), inArray(outbox.massMailingId, mailingIds)))
    .groupBy(outbox.massMailingId, outbox.status);
  for (const row of rows) counts.get(row.mailingId!)![row.status] = row.n;
  return counts;
}

/** How far a mailing has got: its outbox rows by status. */
export async function massMailingProgress(tx: Executor, scope: TenantScope, mailingId: string): Promise<OutboxCounts> {
  const [mailing] = await tx
    .select({ id: massMailings.id })
    .from(massMailings)
    .where(and(eq(massMailings.tenantId, scope.tenantId), eq(massMailings.id, mailingId)));
  if (!mailing) throw new NotFoundError("massMailing");
  return (await countsOf(tx, scope, [mailing.id])).get(mailing.id)!;
}

export type MassMailingWithProgress = MassMailing & { counts: OutboxCounts };

/** A division's mailings, newest first, each with its progress. */
export async function listMassMailings(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  limit = 50,
): Promise<MassMailingWithProgress[]> {
  await getDivision(tx, scope, divisionId);
  const mailings = await tx
    .select()
    .from(massMailings)
    .where(and(eq(massMailings.tenantId, scope.tenantId), eq(massMailings.divisionId, divisionId)))
    .orderBy(desc(massMailings.createdAt), desc(massMailings.id))
    .limit(limit);
  const counts = await countsOf(tx, scope, mailings.map((mailing) => mailing.id));
  return mailings.map((mailing) => ({ ...mailing, counts: counts.get(mailing.id)! }));
}
