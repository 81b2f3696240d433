import { hasLocale } from "next-intl";
import { setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { type Locale, routing } from "@/lib/i18n/routing";

/**
 * The locale of a route's params, checked (an unknown one is a 404) and set for this request so
 * that next-intl's server functions need not read headers. Every layout and page calls it first.
 */
export function setPageLocale(locale: string): Locale {
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  return locale;
}
