import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { Link } from "@/lib/i18n/navigation";
import { accountMailDelivery } from "@/lib/outbox/account-mail";
import { AuthCard } from "../auth-card";
import { ForgotPasswordForm } from "./forgot-password-form";

interface Props {
  params: Promise<{ locale: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "forgotPassword" });
  return { title: t("title") };
}

// The mail server's configuration is read when the page is asked for, not when the app is built.
export const dynamic = "force-dynamic";

export default async function ForgotPasswordPage({ params }: Props) {
  setPageLocale((await params).locale);
  const t = await getTranslations("forgotPassword");
  const delivery = accountMailDelivery();
  return (
    <AuthCard
      title={t("title")}
      description={t("description")}
      footer={
        <Link href="/sign-in" className="font-medium text-brand-700 hover:text-brand-800">
          {t("backToSignIn")}
        </Link>
      }
    >
      <ForgotPasswordForm mailOnConsole={delivery.type === "console"} />
    </AuthCard>
  );
}
