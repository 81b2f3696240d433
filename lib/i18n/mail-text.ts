import { createTranslator } from "use-intl/core";
import en from "@/messages/en.json";
import pl from "@/messages/pl.json";
import { isLocale, type Locale } from "./routing";

// Key parity between the catalogues is checked by tests/unit/messages.test.ts.
const catalogues: Record<Locale, typeof en> = { en, pl: pl as typeof en };

/**
 * Why an email could not be processed, in a reader's language, for mail sent outside a request
 * (the notification email): the same words the notifications page shows.
 */
export function unprocessedReasonText(locale: string, reason: string): string {
  const lang: Locale = isLocale(locale) ? locale : "en";
  const t = createTranslator({ locale: lang, messages: catalogues[lang], namespace: "notifications.unprocessedReasons" });
  const known = ["tooLarge", "pgpFailed", "processingFailed", "parseFailed"] as const;
  const code = known.find((k) => k === reason) ?? "other";
  return `${t(`${code}.label`)}. ${t(`${code}.hint`)}`;
}
