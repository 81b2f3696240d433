import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { currentUserId } from "@/lib/auth/session";
import { Link, redirect } from "@/lib/i18n/navigation";
import { accountMailDelivery } from "@/lib/outbox/account-mail";
import { AuthCard } from "../auth-card";
import { SignUpForm } from "./sign-up-form";

interface Props {
  params: Promise<{ locale: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "signUp" });
  return { title: t("title") };
}

export default async function SignUpPage({ params }: Props) {
  const locale = setPageLocale((await params).locale);
  if (await currentUserId()) redirect({ href: "/", locale });
  const t = await getTranslations("signUp");
  const delivery = accountMailDelivery();
  return (
    <AuthCard
      title={t("title")}
      description={t("description")}
      footer={t.rich("haveAccount", {
        link: (chunks) => (
          <Link href="/sign-in" className="font-medium text-brand-700 hover:text-brand-800">
            {chunks}
          </Link>
        ),
      })}
    >
      <SignUpForm passwordMin={MIN_PASSWORD_LENGTH} mailOnConsole={delivery.type === "console"} />
    </AuthCard>
  );
}
