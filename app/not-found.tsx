import { getTranslations } from "next-intl/server";
import { type Locale, routing } from "@/lib/i18n/routing";
import "./globals.css";

/**
 * A path outside every locale (the proxy gives all pages one, so this is rare: a mistyped file
 * name, say). With no locale to go by, it speaks the default language.
 */
export default async function RootNotFound() {
  const locale: Locale = routing.defaultLocale;
  const t = await getTranslations({ locale, namespace: "notFound" });
  return (
    <html lang={locale}>
      <body className="grid min-h-screen place-items-center px-4 font-sans">
        <div className="max-w-md text-center">
          <p className="text-sm font-semibold text-brand-600">404</p>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight text-zinc-900">{t("title")}</h1>
          <p className="mt-2 text-sm leading-6 text-zinc-500">{t("description")}</p>
          <a href="/" className="mt-8 inline-block text-sm font-medium text-brand-700 hover:text-brand-800">
            {t("home")}
          </a>
        </div>
      </body>
    </html>
  );
}
