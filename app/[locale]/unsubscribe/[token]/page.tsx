import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";
import { LanguageSwitcher } from "@/app/_components/language-switcher";
import { Logo } from "@/app/_components/logo";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { readUnsubscribeToken } from "@/lib/mass-mail/unsubscribe";
import { AuthCard } from "../../(auth)/auth-card";
import { unsubscribeAction } from "./actions";
import { UnsubscribeForm } from "./unsubscribe-form";

interface Props {
  params: Promise<{ locale: string; token: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "unsubscribe" });
  return { title: t("metaTitle"), robots: { index: false, follow: false } };
}

/**
 * Where the unsubscribe link of a mass mail leads (through app/unsubscribe/[token]/route.ts). Public:
 * the person has no account. Opening it changes nothing; the button does.
 */
export default async function UnsubscribePage({ params }: Props) {
  const { locale, token } = await params;
  setPageLocale(locale);
  const t = await getTranslations("unsubscribe");
  const valid = readUnsubscribeToken(token) !== null;

  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center justify-between px-6 py-5 sm:px-10">
        <Logo />
        <LanguageSwitcher />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:pt-12">
        <div className="w-full max-w-md">
          {valid ? (
            <AuthCard title={t("title")} description={t("description")}>
              <UnsubscribeForm action={unsubscribeAction.bind(null, token)} />
            </AuthCard>
          ) : (
            <AuthCard title={t("invalidTitle")} description={t("invalidDescription")}>
              <p className="flex items-start gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
                <Icon name="link" className="mt-0.5 size-5 shrink-0 text-amber-600" />
                {t("invalidHelp")}
              </p>
            </AuthCard>
          )}
        </div>
      </main>
    </div>
  );
}
