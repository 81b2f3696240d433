import { placeholdersFor, type PlaceholderOf, renderTemplate, type TemplateValues } from "@/lib/templates/render";

/**
 * What a mass mail's text may use: those of the mass_mail template kind, no ticket placeholders as
 * there is no ticket. `{{link}}` is the recipient's own unsubscribe link; the body may repeat the
 * subject, which the subject itself cannot. Pure, so the form's preview renders exactly what will be sent.
 */
export const massMailSubjectPlaceholders: readonly PlaceholderOf<"mass_mail">[] = ["customerName", "divisionName", "tag"];
export const massMailBodyPlaceholders = placeholdersFor("mass_mail");

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

/**
 * One recipient's mail: their name (else their address) and their own unsubscribe link filled in.
 * `division.helpCenterUrl` is lib/knowledge/help-center.ts helpCenterUrlOf.
 */
export function renderMassMail(
  text: MassMailText,
  recipient: { email: string; name: string | null },
  division: { name: string; tag: string; helpCenterUrl: string },
  link: string,
): MassMailText {
  const values: TemplateValues<"mass_mail"> = {
    customerName: recipient.name || recipient.email,
    divisionName: division.name,
    tag: division.tag,
    helpCenterUrl: division.helpCenterUrl,
  };
  const subject = renderTemplate(text.subject, values);
  const bodyValues: TemplateValues<"mass_mail"> = { ...values, subject, link };
  return { subject, body: renderTemplate(text.body, bodyValues) };
}

/**
 * A template's text as the start of a new mass mail. The built-in subject is just `{{subject}}`,
 * which means nothing here (the mail's subject is what is being written), so it is left out.
 */
export function draftFromTemplate(template: MassMailText): MassMailText {
  return { subject: template.subject.replace(/\{\{\s*subject\s*\}\}/g, "").trim(), body: template.body };
}
