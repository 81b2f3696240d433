import type messages from "@/messages/en.json";
import type { dateFormats } from "@/lib/i18n/dates";
import type { Locale } from "@/lib/i18n/routing";

// Message keys and date format names are checked at compile time against the English catalogue; pl.json has the same keys.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
    // Dates go through the named formats only: `format.dateTime(date, "dateTime")`.
    Formats: typeof dateFormats;
  }
}
