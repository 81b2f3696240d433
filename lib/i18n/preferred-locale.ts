import { isLocale, type Locale, routing } from "./routing";

/**
 * The language to open a page in for a request outside the localized routes (a link in a mail):
 * the one the visitor last chose (next-intl's NEXT_LOCALE cookie), else the first of their browser's
 * Accept-Language (RFC 9110 §12.5.4, by q-value) that we have, else the default.
 */
export function preferredLocale(acceptLanguage: string | null, chosen?: string | null): Locale {
  if (chosen && isLocale(chosen)) return chosen;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [range = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { language: range.trim().toLowerCase().split("-")[0] ?? "", q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.language && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.language).find(isLocale) ?? routing.defaultLocale;
}
