import { valueBefore } from "@/lib/i18n/punctuation";
import type { TemplateKind } from "./defaults";

/**
 * The placeholders each kind of mail fills in, as its sender passes them. The template editor offers
 * these and saving refuses any other, so an admin cannot write a placeholder that every mail of the
 * kind would send as nothing. A sender's values are typed against its kind's list (TemplateValues).
 */
const placeholdersByKind = {
  // lib/inbound/confirmation.ts. No link: customers have no page of their ticket to open. helpCenterUrl
  // is the company's public help center in the division's language, empty when the division names no
  // default knowledge base (lib/knowledge/help-center.ts helpCenterUrlOf).
  confirmation: ["tag", "ticketNumber", "subject", "customerName", "divisionName", "helpCenterUrl"],
  // lib/notifications/email.ts. There is no ticket, so no number; customerName is the email's sender,
  // subject and reason are in the reader's language, link is the reader's list of unprocessed email.
  notify_unprocessed: ["tag", "subject", "customerName", "link", "reason", "divisionName"],
  // lib/notifications/email.ts: link is the ticket's page, in the reader's language.
  notify_new_ticket: ["tag", "ticketNumber", "subject", "customerName", "link", "divisionName"],
  notify_assignment: ["tag", "ticketNumber", "subject", "customerName", "link", "divisionName"],
  // lib/notifications/reconnect.ts: link is the mailbox's settings page, where it is connected again.
  notify_reconnect: ["mailboxAddress", "divisionName", "connectedBy", "link"],
  // lib/notifications/email.ts, for lib/tickets/escalation.ts: target is the target about to be missed
  // and dueAt its due time, both in the reader's language (dueAt in the division's time zone); link is
  // the ticket's page.
  notify_escalation: ["tag", "ticketNumber", "subject", "link", "divisionName", "target", "dueAt"],
  // lib/mass-mail/render.ts. No ticket; link is the recipient's own unsubscribe link; helpCenterUrl as
  // in a confirmation.
  mass_mail: ["tag", "subject", "customerName", "link", "divisionName", "helpCenterUrl"],
} as const satisfies Record<TemplateKind, readonly string[]>;

/** A placeholder that mail of the kind fills in. */
export type PlaceholderOf<K extends TemplateKind> = (typeof placeholdersByKind)[K][number];

/** A placeholder that some kind of mail fills in. */
export type PlaceholderName = PlaceholderOf<TemplateKind>;

/** Every placeholder that some kind of mail fills in; any other `{{name}}` is a typo. */
export const placeholderNames: readonly PlaceholderName[] = [...new Set(Object.values(placeholdersByKind).flat())];

/** The placeholders mail of this kind fills in, in the order the editor lists them. */
export function placeholdersFor<K extends TemplateKind>(kind: K): (typeof placeholdersByKind)[K] {
  return placeholdersByKind[kind];
}

/** The values a template's `{{placeholders}}` take: a sender of a kind passes only its kind's. */
export type TemplateValues<K extends TemplateKind = TemplateKind> = Partial<Record<PlaceholderOf<K>, string | number>>;

export function isPlaceholderName(name: string): name is PlaceholderName {
  return (placeholderNames as readonly string[]).includes(name);
}

/** `{{name}}`, or `{{group.name}}` as canned replies write theirs; spaces inside the braces allowed. */
const placeholderPattern = /\{\{\s*([\w.]+)\s*\}\}/g;

/**
 * Replaces each `{{name}}` in a text with what `fill` gives for the name; where `fill` gives
 * undefined the placeholder stays as written. A value ending with a period before a sentence's own
 * period keeps one ("{{company}}." with "Kowalski Sp. z o.o."). The one renderer of the project's
 * texts: email templates (renderTemplate) and canned replies (lib/canned-replies) both fill through it.
 */
export function fillPlaceholders(text: string, fill: (name: string) => string | undefined): string {
  return text.replace(placeholderPattern, (written, name: string, offset: number) => {
    const value = fill(name);
    return value === undefined ? written : valueBefore(value, text.slice(offset + written.length));
  });
}

/** The `{{names}}` a text uses, each once, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(placeholderPattern)].map((match) => match[1]!))];
}

/**
 * Fills a mail template's placeholders. An unknown or missing value becomes empty rather than
 * leaking braces into a customer's mail.
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  return fillPlaceholders(text, (name) => {
    const value = Object.hasOwn(values, name) ? values[name as PlaceholderName] : undefined;
    return value === undefined || value === null ? "" : String(value);
  });
}

/**
 * The `{{names}}` in a text that mail of this kind does not fill in: a typo such as `{{ticketNumbr}}`,
 * or another kind's placeholder such as `{{link}}` in a confirmation, would otherwise become nothing
 * in every mail sent with it. Each name once, in order of appearance.
 */
export function unknownPlaceholders(text: string, kind: TemplateKind): string[] {
  const filled: readonly string[] = placeholdersFor(kind);
  return placeholdersIn(text).filter((name) => !filled.includes(name));
}
