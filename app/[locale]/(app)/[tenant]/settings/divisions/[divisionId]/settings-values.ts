import { type DivisionSettings, type DivisionWithSettings, settingsOf } from "@/lib/divisions/settings";
import { isLocale, routing } from "@/lib/i18n/routing";

/** What the settings form edits. A language stored before a locale was dropped reads as the default. */
export function settingsValues(division: DivisionWithSettings): DivisionSettings {
  return settingsOf({ ...division, language: isLocale(division.language) ? division.language : routing.defaultLocale });
}
