import type { Metadata } from "next";
import { hasLocale, NextIntlClientProvider } from "next-intl";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { routing } from "@/lib/i18n/routing";
import "../globals.css";

interface Props {
  children: ReactNode;
  params: Promise<{ locale: string }>;
}

export function generateStaticParams() {
  return routing.locales.map((locale) => ({ locale }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const t = await getTranslations({ locale, namespace: "meta" });
  return { title: { template: `%s · ${t("product")}`, default: t("product") }, description: t("description") };
}

export default async function LocaleLayout({ children, params }: Props) {
  const locale = setPageLocale((await params).locale);
  return (
    <html lang={locale} className="h-full">
      <body className="min-h-full font-sans">
        <NextIntlClientProvider>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
