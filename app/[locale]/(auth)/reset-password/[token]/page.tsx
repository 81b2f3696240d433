import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { getDb } from "@/db";
import { passwordResetFor } from "@/lib/accounts/password";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { AuthCard } from "../../auth-card";
import { LinkGoneCard } from "../../auth-notice";
import { ResetPasswordForm } from "./reset-password-form";

interface Props {
  params: Promise<{ locale: string; token: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "resetPassword" });
  return { title: t("title") };
}

/** The link of a "forgot password" mail: opening it changes nothing; the form sets the new password. */
export default async function ResetPasswordPage({ params }: Props) {
  const { locale, token } = await params;
  setPageLocale(locale);
  const t = await getTranslations("resetPassword");
  const reset = await passwordResetFor(await getDb(), token);
  if (!reset) {
    return <LinkGoneCard title={t("invalidTitle")} help={t("invalidHelp")} href="/forgot-password" action={t("askAgain")} />;
  }
  return (
    <AuthCard title={t("title")} description={t("description", { email: reset.email })}>
      <ResetPasswordForm token={token} email={reset.email} passwordMin={MIN_PASSWORD_LENGTH} />
    </AuthCard>
  );
}
