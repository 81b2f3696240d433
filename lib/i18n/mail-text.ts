import { createTranslator } from "use-intl/core";
import en from "@/messages/en.json";
import pl from "@/messages/pl.json";
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

/** The mails about a person's account (lib/accounts), in their language. */
export type AccountMailText =
  | { kind: "verify_sign_up"; values: { name: string; company: string; link: string } }
  | { kind: "account_exists"; values: { name: string; signInLink: string; resetLink: string } }
  | { kind: "reset_password"; values: { name: string; link: string } };

export function accountMailText(locale: string, mail: AccountMailText): { subject: string; text: string } {
  const lang: Locale = isLocale(locale) ? locale : "en";
  const t = createTranslator({ locale: lang, messages: catalogues[lang], namespace: "accountMail" });
  return { subject: t(`${mail.kind}.subject`, mail.values), text: t(`${mail.kind}.text`, mail.values) };
}
