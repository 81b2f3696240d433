import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { getDb } from "@/db";
import { tenantAccess } from "@/lib/auth/context";
import { currentSession } from "@/lib/auth/session";
import { redirect } from "@/lib/i18n/navigation";
import { configuredProviders } from "@/lib/oauth/providers";
import { TwoStepVerification } from "@/app/[locale]/(app)/[tenant]/profile/two-step-verification";
import { AuthCard } from "../../../auth-card";
import { ProviderButtons } from "../../provider-buttons";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "signIn.required" });
  return { title: t("heading") };
}

/**
 * Where a company's pages send a session signed in otherwise than the company requires: with its
 * provider, or with two-step verification (sign in again with a code, or set it up here first: a
 * member without it cannot reach the profile page, which is the company's).
 */
export default async function SignInRequiredPage({ params }: Props) {
  const { locale: requested, tenant: slug } = await params;
  const locale = setPageLocale(requested);
  const session = await currentSession();
  if (!session) return redirect({ href: "/sign-in", locale });
  const providers = configuredProviders(process.env);
  const access = await tenantAccess(await getDb(), session, slug, providers.map((provider) => provider.id));
  if (access.type === "notFound") notFound();
  if (access.type === "ok") return redirect({ href: `/${slug}/tickets`, locale });

  if (access.type === "twoFactorRequired") {
    const t = await getTranslations("signIn.twoStepRequired");
    return (
      <AuthCard
        title={access.enrolled ? t("signInAgainTitle") : t("setUpTitle")}
        description={
          access.enrolled ? t("signInAgain", { company: access.tenantName }) : t("setUp", { company: access.tenantName })
        }
        footer={<SignOutButton />}
      >
        {!access.enrolled && (
          <TwoStepVerification enabled={false} recoveryCodesLeft={0} email={access.email} doneHref={`/${locale}/${slug}/tickets`} />
        )}
      </AuthCard>
    );
  }

  const provider = providers.find((candidate) => candidate.id === access.provider)!;
  const t = await getTranslations("signIn.required");
  return (
    <AuthCard
      title={t("title", { provider: provider.name })}
      description={t("description", { company: access.tenantName, provider: provider.name })}
      footer={<SignOutButton />}
    >
      <ProviderButtons providers={[{ id: provider.id, name: provider.name }]} returnTo={`/${locale}/${slug}/tickets`} />
    </AuthCard>
  );
}
