import type messages from "@/messages/en.json";
import type { Locale } from "@/lib/i18n/routing";

// Message keys are checked at compile time against the English catalogue; pl.json has the same keys.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
