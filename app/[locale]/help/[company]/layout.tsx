import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { Icon } from "@/app/_components/icons";
import { LanguageSwitcher } from "@/app/_components/language-switcher";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { helpCenterPath } from "@/lib/app-url";
import { helpCenterRequest } from "./help-center-request";

interface Props {
  children: ReactNode;
  params: Promise<{ locale: string; company: string }>;
}

/** The help center's frame: the company's name (home), the language switch, and a quiet footer. */
export default async function HelpCenterLayout({ children, params }: Props) {
  const { locale: asked, company } = await params;
  const locale = setPageLocale(asked);
  const { helpCenter } = await helpCenterRequest(company);
  const t = await getTranslations("helpCenter");
  return (
    <div className="flex min-h-screen flex-col bg-white">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-4 sm:px-6">
          <a href={helpCenterPath(locale, helpCenter.slug)} className="group flex min-w-0 items-center gap-3">
            <span className="grid size-9 shrink-0 place-items-center rounded-lg bg-brand-600 text-white shadow-sm shadow-brand-600/30">
              <Icon name="book" className="size-5" />
            </span>
            <span className="min-w-0">
              <span className="block truncate text-base font-semibold text-zinc-900 group-hover:text-brand-700">{helpCenter.name}</span>
              <span className="block text-xs font-medium tracking-wide text-zinc-500 uppercase">{t("title")}</span>
            </span>
          </a>
          <LanguageSwitcher />
        </div>
      </header>
      <div className="flex-1">{children}</div>
      <footer className="border-t border-zinc-200 bg-zinc-50">
        <p className="mx-auto max-w-5xl px-4 py-6 text-xs text-zinc-500 sm:px-6">{t("poweredBy")}</p>
      </footer>
    </div>
  );
}
