import type { Locale } from "@/lib/i18n/routing";
import { renderTemplate, type TemplateValues } from "./render";

/**
 * What a template looks like in a real mail, filled with made-up values in the template's language.
 * No server imports: the template editor renders its live preview with this same code in the browser.
 */

const sampleTexts: Record<Locale, Pick<Required<TemplateValues>, "subject" | "reason" | "agentName">> = {
  en: {
    subject: "The printer in room 12 does not print",
    reason: "The email is larger than this division accepts.",
    agentName: "Anna Nowak",
  },
  pl: {
    subject: "Drukarka w pokoju 12 nie drukuje",
    reason: "Wiadomość jest większa, niż przyjmuje ten dział.",
    agentName: "Anna Nowak",
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
  };
}

export function previewTemplate(
  template: { subject: string; body: string },
  locale: Locale,
  division: { tag: string; name: string },
): { subject: string; body: string } {
  const values = sampleValues(locale, division);
  return { subject: renderTemplate(template.subject, values), body: renderTemplate(template.body, values) };
}
