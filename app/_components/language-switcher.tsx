"use client";

import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { usePathname, useRouter } from "@/lib/i18n/navigation";
import { type Locale, locales } from "@/lib/i18n/routing";

/**
 * EN | PL. Switching changes the locale in the URL, keeping the rest of it (next-intl updates the NEXT_LOCALE cookie); with
 * `remember`, the choice is also stored on the user, so the next sign-in opens in that language.
 */
export function LanguageSwitcher({
  remember,
  className = "",
}: {
  remember?: (locale: Locale) => Promise<void>;
  className?: string;
}) {
  const t = useTranslations("language");
  const current = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  function choose(locale: Locale) {
    if (locale === current) return;
    startTransition(async () => {
      if (remember) await remember(locale);
      // The query (filters, search, page) and the fragment stay: only the language changes. Read at
      // the click, so pages without a Suspense boundary need no useSearchParams.
      router.replace(`${pathname}${window.location.search}${window.location.hash}`, { locale });
    });
  }

  return (
    <div
      role="group"
      aria-label={t("label")}
      className={`inline-flex rounded-lg bg-zinc-100 p-0.5 ring-1 ring-zinc-200 ring-inset ${pending ? "opacity-70" : ""} ${className}`}
    >
      {locales.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          onClick={() => choose(locale)}
          aria-pressed={locale === current}
          title={t(`name.${locale}`)}
          disabled={pending}
          className={`rounded-md px-2.5 py-1 text-xs font-semibold tracking-wide transition-colors ${
            locale === current ? "bg-white text-zinc-900 shadow-xs" : "text-zinc-500 hover:text-zinc-800"
          }`}
        >
          {t(`short.${locale}`)}
        </button>
      ))}
    </div>
  );
}
