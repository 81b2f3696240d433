import { renderTemplate } from "@/lib/templates/render";

/**
 * What a mass mail's text may use: no ticket placeholders, there is no ticket. `{{link}}` is the
 * recipient's own unsubscribe link; the body may repeat the subject. Pure, so the form's preview
 * renders exactly what will be sent.
 */
export const massMailSubjectPlaceholders = ["customerName", "divisionName", "tag"] as const;
export const massMailBodyPlaceholders = ["customerName", "link", "divisionName", "tag", "subject"] as const;

export interface MassMailText {
  subject: string;
  body: string;
}

/** The `{{names}}` in a text that a mass mail does not fill in, each once. */
export function unusablePlaceholders(text: string, allowed: readonly string[]): string[] {
  const names = [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!);
  return [...new Set(names.filter((name) => !allowed.includes(name)))];
}

export function hasUnsubscribeLink(body: string): boolean {
  return /\{\{\s*link\s*\}\}/.test(body);
}

/** One recipient's mail: their name (else their address) and their own unsubscribe link filled in. */
export function renderMassMail(
  text: MassMailText,
  recipient: { email: string; name: string | null },
  division: { name: string; tag: string },
  link: string,
): MassMailText {
  const values = { customerName: recipient.name || recipient.email, divisionName: division.name, tag: division.tag };
  const subject = renderTemplate(text.subject, values);
  return { subject, body: renderTemplate(text.body, { ...values, subject, link }) };
}

/**
 * A template's text as the start of a new mass mail. The built-in subject is just `{{subject}}`,
 * which means nothing here (the mail's subject is what is being written), so it is left out.
 */
export function draftFromTemplate(template: MassMailText): MassMailText {
  return { subject: template.subject.replace(/\{\{\s*subject\s*\}\}/g, "").trim(), body: template.body };
}
