import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Link, redirect } from "@/lib/i18n/navigation";
import { currentUserId } from "@/lib/auth/session";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { AuthCard } from "../auth-card";
import { AuthNotice } from "../auth-notice";
import { configuredProviders } from "@/lib/oauth/providers";
import { providerErrorOf } from "./provider-error";
import { SignInForm } from "./sign-in-form";

interface Props {
  params: Promise<{ locale: string }>;
  /** `email` and `created` or `reset`: where a sign-up's confirmation and a password reset lead. */
  searchParams: Promise<{ error?: string | string[]; email?: string | string[]; created?: string; reset?: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "signIn" });
  return { title: t("title") };
}

export default async function SignInPage({ params, searchParams }: Props) {
  const locale = setPageLocale((await params).locale);
  if (await currentUserId()) redirect({ href: "/", locale });
  const t = await getTranslations("signIn");
  const providers = configuredProviders(process.env).map(({ id, name }) => ({ id, name }));
  const { error, email, created, reset } = await searchParams;
  const notice = created ? t("created") : reset ? t("passwordReset") : null;
  return (
    <AuthCard
      title={t("title")}
      description={t("description")}
      footer={t.rich("noAccount", {
        link: (chunks) => (
          <Link href="/sign-up" className="font-medium text-brand-700 hover:text-brand-800">
            {chunks}
          </Link>
        ),
      })}
    >
      {notice && (
        <div className="mb-6">
          <AuthNotice tone="success">
            <p>{notice}</p>
          </AuthNotice>
        </div>
      )}
      <SignInForm
        providers={providers}
        providerError={providerErrorOf(error)}
        defaultEmail={typeof email === "string" ? email : ""}
      />
    </AuthCard>
  );
}
