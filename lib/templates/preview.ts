import { helpCenterPath } from "@/lib/app-url";
import type { Locale } from "@/lib/i18n/routing";
import type { TemplateKind } from "./defaults";
import { placeholdersFor, renderTemplate, type TemplateValues } from "./render";

/**
 * What a template looks like in a real mail, filled with made-up values in the template's language.
 * No server imports: the template editor renders its live preview with this same code in the browser.
 */

const sampleTexts: Record<Locale, Pick<Required<TemplateValues>, "subject" | "reason" | "target" | "dueAt">> = {
  en: {
    subject: "The printer in room 12 does not print",
    reason: "The email is larger than this division accepts.",
    target: "first response",
    dueAt: "Dec 7, 2026, 9:30 AM",
  },
  pl: {
    subject: "Drukarka w pokoju 12 nie drukuje",
    reason: "Wiadomość jest większa, niż przyjmuje ten dział.",
    target: "pierwszą odpowiedź",
    dueAt: "7 gru 2026, 09:30",
  },
};

export function sampleValues(locale: Locale, division: { tag: string; name: string }): Required<TemplateValues> {
  return {
    ...sampleTexts[locale],
    tag: division.tag,
    divisionName: division.name,
    ticketNumber: 1042,
    customerName: "Jan Kowalski",
    link: "https://help.example.com/tickets/1042",
    helpCenterUrl: `https://help.example.com${helpCenterPath(locale, "example")}`,
    mailboxAddress: "support@example.com",
    connectedBy: "Anna Nowak",
  };
}

/**
 * Only the placeholders the template's kind fills in get a sample: another (as in a template stored
 * before it was refused) previews as the nothing a real mail would show.
 */
export function previewTemplate(
  template: { kind: TemplateKind; subject: string; body: string },
  locale: Locale,
  division: { tag: string; name: string },
): { subject: string; body: string } {
  const samples = sampleValues(locale, division);
  const values: TemplateValues = Object.fromEntries(placeholdersFor(template.kind).map((name) => [name, samples[name]]));
  return { subject: renderTemplate(template.subject, values), body: renderTemplate(template.body, values) };
}
