import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { getDb } from "@/db";
import { pendingSignUp } from "@/lib/accounts/sign-up";
import { AuthCard } from "../../../auth-card";
import { LinkGoneCard } from "../../../auth-notice";
import { ConfirmSignUpForm } from "./confirm-sign-up-form";

interface Props {
  params: Promise<{ locale: string; token: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "signUp.verify" });
  return { title: t("metaTitle") };
}

/** The link of a sign-up's mail. Opening it changes nothing: the button does (mail scanners open links). */
export default async function VerifySignUpPage({ params }: Props) {
  const { locale, token } = await params;
  setPageLocale(locale);
  const t = await getTranslations("signUp.verify");
  const pending = await pendingSignUp(await getDb(), token);
  if (!pending) {
    return (
      <LinkGoneCard
        title={t("invalidTitle")}
        description={t("invalidDescription")}
        help={t("invalidHelp")}
        href="/sign-up"
        action={t("signUpAgain")}
      />
    );
  }
  return (
    <AuthCard
      title={t("title", { company: pending.companyName })}
      description={t("description", { email: pending.email })}
    >
      <ConfirmSignUpForm token={token} />
    </AuthCard>
  );
}
