import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { seesMailbox } from "@/db/queries/members";
import { memberships, type Ticket, teamMembers, tenants, users } from "@/db/schema";
import { appUrl, ticketPath } from "@/lib/app-url";
import { dateFormatter } from "@/lib/i18n/dates";
import { bulkAssignmentText, noSubjectText, serviceTargetText, unprocessedReasonText } from "@/lib/i18n/mail-text";
import { isLocale } from "@/lib/i18n/routing";
import { AUTOMATIC_HEADERS } from "@/lib/mail/automated";
import { enqueueMail } from "@/lib/outbox/enqueue";
import { divisionSender } from "@/lib/outbox/sender";
import type { TenantScope } from "@/db/tenant";
import { renderTemplate, type TemplateValues } from "@/lib/templates/render";
import { templateChooser } from "@/lib/templates/templates";

/** The staff member's setting that turns this kind of email off; null: it cannot be turned off. */
type Preference = "notifyUnprocessed" | "notifyNewTicket" | "notifyAssignment" | null;

/** The kinds of mail to staff: each fills in `{{link}}`, to what it is about, per reader. */
type StaffMailKind =
  | "notify_unprocessed"
  | "notify_new_ticket"
  | "notify_assignment"
  | "notify_reconnect"
  | "notify_escalation";

/**
 * Staff of the tenant among `userIds` who have not turned this kind of email off. The person who
 * caused the event (assigning a ticket to themselves) is not told about it.
 */
async function recipients(tx: Executor, scope: TenantScope, userIds: string[], preference: Preference) {
  const wanted = userIds.filter((id) => id !== scope.userId);
  if (wanted.length === 0) return [];
  return tx
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, scope.tenantId)))
    .where(
      and(
        inArray(users.id, wanted),
        // A deactivated member hears nothing more of the company.
        isNull(memberships.deactivatedAt),
        preference ? eq(users[preference], true) : undefined,
      ),
    );
}

async function tenantSlug(tx: Executor, scope: TenantScope): Promise<string> {
  const [tenant] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, scope.tenantId));
  return tenant?.slug ?? "";
}

/** One email per recipient, in the recipient's language, from the division's default mailbox. */
async function emailStaff<K extends StaffMailKind>(
  tx: Executor,
  scope: TenantScope,
  input: {
    divisionId: string;
    kind: K;
    userIds: string[];
    preference: Preference;
    templateId?: string | null;
    values: TemplateValues<K>;
    /** Values that depend on the reader's language. */
    localized?: (locale: string) => TemplateValues<K>;
    link: (locale: string, slug: string) => string;
    ticketId?: string;
    /** A mailbox that cannot send now: the mail leaves from another of the division's. */
    notFrom?: string;
  },
): Promise<number> {
  return mailStaff(tx, scope, {
    ...input,
    composer: async () => {
      const templateIn = await templateChooser(tx, scope, {
        divisionId: input.divisionId,
        kind: input.kind,
        templateId: input.templateId,
      });
      return (locale, slug) => {
        const template = templateIn(locale);
        const values: TemplateValues<StaffMailKind> = {
          ...input.values,
          ...input.localized?.(locale),
          link: appUrl(input.link(locale, slug)),
        };
        return { subject: renderTemplate(template.subject, values), text: renderTemplate(template.body, values) };
      };
    },
  });
}

/**
 * Queues one mail to each of `userIds` who wants this kind, in their language. `composer` prepares
 * the writing (a template lookup) only once someone is to be written to.
 */
async function mailStaff(
  tx: Executor,
  scope: TenantScope,
  input: {
    divisionId: string;
    userIds: string[];
    preference: Preference;
    composer: () => Promise<(locale: string, tenantSlug: string) => { subject: string; text: string }>;
    ticketId?: string;
    notFrom?: string;
  },
): Promise<number> {
  const people = await recipients(tx, scope, input.userIds, input.preference);
  if (people.length === 0) return 0;
  const sender = await divisionSender(tx, scope, input.divisionId, { except: input.notFrom });
  // The mailbox it is about was the only one: the notice in the app has to do.
  if (!sender && input.notFrom) return 0;
  const slug = await tenantSlug(tx, scope);
  const compose = await input.composer();
  for (const person of people) {
    const { subject, text } = compose(person.locale, slug);
    await enqueueMail(tx, scope, {
      divisionId: input.divisionId,
      kind: "notification",
      sender,
      to: [{ address: person.email, name: person.name }],
      subject,
      text,
      headers: { ...AUTOMATIC_HEADERS, "Auto-Submitted": "auto-generated" },
      ticketId: input.ticketId ?? null,
    });
  }
  return people.length;
}

async function ticketValues(
  tx: Executor,
  scope: TenantScope,
  ticket: Ticket,
  customerName: string | null,
): Promise<TemplateValues<"notify_new_ticket" | "notify_assignment">> {
  const division = await findDivision(tx, scope, { divisionId: ticket.divisionId });
  return {
    tag: division?.tag ?? "",
    divisionName: division?.name ?? "",
    ticketNumber: ticket.number,
    subject: ticket.subject,
    customerName: customerName ?? "",
  };
}

/** The division's chosen staff, with its chosen template, about an email set aside as unprocessed. */
export async function emailUnprocessed(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; userIds: string[]; reason: string; subject: string | null; from: string | null },
): Promise<number> {
  const division = await findDivision(tx, scope, { divisionId: input.divisionId });
  return emailStaff(tx, scope, {
    divisionId: input.divisionId,
    kind: "notify_unprocessed",
    userIds: input.userIds,
    preference: "notifyUnprocessed",
    templateId: division?.unprocessedTemplateId ?? null,
    values: {
      tag: division?.tag ?? "",
      divisionName: division?.name ?? "",
      customerName: input.from ?? "",
    },
    localized: (locale) => ({
      subject: input.subject ?? noSubjectText(locale),
      reason: unprocessedReasonText(locale, input.reason),
    }),
    link: (locale, slug) => `/${locale}/${slug}/notifications`,
  });
}

/** The members of the ticket's team, about a new ticket. */
export async function emailNewTicket(
  tx: Executor,
  scope: TenantScope,
  input: { ticket: Ticket; customerName: string | null },
): Promise<number> {
  if (!input.ticket.teamId) return 0;
  const { mailboxId } = input.ticket;
  const members = await tx
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(
      and(
        eq(teamMembers.tenantId, scope.tenantId),
        eq(teamMembers.teamId, input.ticket.teamId),
        // Not to a member who may not see the ticket (another operator's personal account's).
        mailboxId ? seesMailbox(teamMembers.userId, mailboxId) : undefined,
      ),
    );
  return emailStaff(tx, scope, {
    divisionId: input.ticket.divisionId,
    kind: "notify_new_ticket",
    userIds: members.map((m) => m.userId),
    preference: "notifyNewTicket",
    values: await ticketValues(tx, scope, input.ticket, input.customerName),
    link: (locale, slug) => ticketPath(locale, slug, input.ticket.id),
    ticketId: input.ticket.id,
  });
}

/** The new assignee of a ticket (unless they assigned it to themselves). */
export async function emailAssignment(
  tx: Executor,
  scope: TenantScope,
  input: { ticket: Ticket; assigneeId: string; customerName: string | null },
): Promise<number> {
  return emailStaff(tx, scope, {
    divisionId: input.ticket.divisionId,
    kind: "notify_assignment",
    userIds: [input.assigneeId],
    preference: "notifyAssignment",
    values: await ticketValues(tx, scope, input.ticket, input.customerName),
    link: (locale, slug) => ticketPath(locale, slug, input.ticket.id),
    ticketId: input.ticket.id,
  });
}

/**
 * The assignee of many tickets at once (bulk work in the queue): one mail listing them, in the
 * reader's language, rather than one per ticket. The division's assignment template is written for
 * one ticket, so this mail's words are Postdesk's own.
 */
export async function emailBulkAssignment(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; assigneeId: string; tickets: Pick<Ticket, "id" | "number" | "subject">[] },
): Promise<number> {
  const division = await findDivision(tx, scope, { divisionId: input.divisionId });
  const tag = division?.tag ?? "";
  return mailStaff(tx, scope, {
    divisionId: input.divisionId,
    userIds: [input.assigneeId],
    preference: "notifyAssignment",
    composer: async () => (locale, slug) =>
      bulkAssignmentText(locale, {
        division: division?.name ?? "",
        tickets: input.tickets.map((ticket) => ({
          label: `[${tag}#${ticket.number}] ${ticket.subject || noSubjectText(locale)}`,
          link: appUrl(ticketPath(locale, slug, ticket.id)),
        })),
      }),
  });
}

/** Whoever connected the mailbox and the administrators: its account must be connected again. */
export async function emailReconnect(
  tx: Executor,
  scope: TenantScope,
  input: { mailbox: { id: string; divisionId: string; address: string }; connectedBy: string; userIds: string[] },
): Promise<number> {
  const division = await findDivision(tx, scope, { divisionId: input.mailbox.divisionId });
  return emailStaff(tx, scope, {
    divisionId: input.mailbox.divisionId,
    kind: "notify_reconnect",
    userIds: input.userIds,
    preference: null,
    values: { mailboxAddress: input.mailbox.address, divisionName: division?.name ?? "", connectedBy: input.connectedBy },
    link: (locale, slug) => `/${locale}/${slug}/settings/divisions/${input.mailbox.divisionId}/mailboxes/${input.mailbox.id}`,
    notFrom: input.mailbox.id,
  });
}

/**
 * Staff about a ticket whose service-level target is about to be missed (lib/tickets/escalation.ts):
 * which target and when it falls due, in the reader's language and the division's time zone. It
 * cannot be turned off: it is the division's promise to its customers.
 */
export async function emailEscalation(
  tx: Executor,
  scope: TenantScope,
  input: {
    ticket: Pick<Ticket, "id" | "divisionId" | "number" | "subject">;
    target: "firstResponse" | "resolution";
    dueAt: Date;
    userIds: string[];
  },
): Promise<number> {
  const division = await findDivision(tx, scope, { divisionId: input.ticket.divisionId });
  const timeZone = division?.timeZone ?? "UTC";
  return emailStaff(tx, scope, {
    divisionId: input.ticket.divisionId,
    kind: "notify_escalation",
    userIds: input.userIds,
    preference: null,
    values: {
      tag: division?.tag ?? "",
      divisionName: division?.name ?? "",
      ticketNumber: input.ticket.number,
      subject: input.ticket.subject,
    },
    localized: (locale) => ({
      target: serviceTargetText(locale, input.target),
      dueAt: `${dateFormatter(isLocale(locale) ? locale : "en", timeZone).dateTime(input.dueAt, "dateTime")} (${timeZone})`,
    }),
    link: (locale, slug) => ticketPath(locale, slug, input.ticket.id),
    ticketId: input.ticket.id,
  });
}
