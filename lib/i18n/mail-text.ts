import { createTranslator } from "use-intl/core";
import en from "@/messages/en.json";
import pl from "@/messages/pl.json";
import { fillMarks } from "./punctuation";
import { isLocale, type Locale } from "./routing";

// Key parity between the catalogues is checked by tests/unit/messages.test.ts.
const catalogues: Record<Locale, typeof en> = { en, pl: pl as typeof en };

function translator(locale: string) {
  const lang: Locale = isLocale(locale) ? locale : "en";
  return createTranslator({ locale: lang, messages: catalogues[lang], namespace: "notifications" });
}

/** What stands for a missing subject, in a reader's language. */
export function noSubjectText(locale: string): string {
  return translator(locale)("inboundUnprocessed.noSubject");
}

/**
 * Why an email could not be processed, in a reader's language, for mail sent outside a request
 * (the notification email): the same words the notifications page shows.
 */
export function unprocessedReasonText(locale: string, reason: string): string {
  const t = translator(locale);
  const known = ["tooLarge", "pgpFailed", "processingFailed", "parseFailed"] as const;
  const code = known.find((k) => k === reason) ?? "other";
  return `${t(`unprocessedReasons.${code}.label`)}. ${t(`unprocessedReasons.${code}.hint`)}`;
}

/** The one mail to a member given many tickets at once: each ticket on a line, with its link. */
export function bulkAssignmentText(
  locale: string,
  input: { division: string; tickets: { label: string; link: string }[] },
): { subject: string; text: string } {
  const t = translator(locale);
  const values = { count: input.tickets.length, division: input.division };
  const list = input.tickets.map((ticket) => `${ticket.label}\n${ticket.link}`).join("\n\n");
  return { subject: t("bulkAssignment.subject", values), text: `${t("bulkAssignment.text", values)}\n\n${list}` };
}

/**
 * The mails about a person's account (lib/accounts), in their language. They greet without the
 * person's name: Polish would need it in the vocative ("Dzień dobry, Katarzyno"), which nobody gives
 * us, and the catalogues keep the same placeholders in every language.
 */
export type AccountMailText =
  | { kind: "verify_sign_up"; values: { company: string; link: string } }
  | { kind: "account_exists"; values: { signInLink: string; resetLink: string } }
  | { kind: "reset_password"; values: { link: string } }
  | { kind: "invite"; values: { company: string; inviter: string; link: string } };

export function accountMailText(locale: string, mail: AccountMailText): { subject: string; text: string } {
  const lang: Locale = isLocale(locale) ? locale : "en";
  const t = createTranslator({ locale: lang, messages: catalogues[lang], namespace: "accountMail" });
  return {
    subject: withValues(mail.values, (marked) => t(`${mail.kind}.subject`, marked)),
    text: withValues(mail.values, (marked) => t(`${mail.kind}.text`, marked)),
  };
}

/**
 * A message formatted with text values such as a company's name. ICU inserts a value without looking
 * at what follows it, so the message is formatted with a mark standing for each value, and the values
 * go in afterwards, where fillMarks can keep "Kowalski Sp. z o.o." from ending a sentence with "o.o..".
 * The marks are private-use characters, which no message of ours contains.
 */
function withValues(values: Record<string, string>, format: (marked: Record<string, string>) => string): string {
  const names = Object.keys(values);
  const marks = names.map((_, i) => `\uE000${i}\uE001`);
  const marked = format(Object.fromEntries(names.map((name, i) => [name, marks[i]!])));
  return fillMarks(
    marked,
    names.map((name) => values[name]!),
    marks,
  );
}

/** The service-level target an escalation email is about, in a reader's language (Polish: accusative). */
export function serviceTargetText(locale: string, target: "firstResponse" | "resolution"): string {
  return translator(locale)(`serviceTarget.${target}`);
}
