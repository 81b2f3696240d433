import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { getDb } from "@/db";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { inviteDetails, inviteUsed } from "@/lib/members/invites";
import { AuthCard } from "../../auth-card";
import { LinkGoneCard } from "../../auth-notice";
import { AcceptInviteForm } from "./accept-invite-form";

interface Props {
  params: Promise<{ locale: string; token: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "invite" });
  return { title: t("metaTitle") };
}

export default async function InvitePage({ params }: Props) {
  const { locale: localeParam, token } = await params;
  setPageLocale(localeParam);
  const t = await getTranslations("invite");
  const tRoles = await getTranslations("roles");
  const db = await getDb();
  const details = await inviteDetails(db, token);

  if (!details && (await inviteUsed(db, token))) {
    return (
      <LinkGoneCard title={t("usedTitle")} help={t("usedHelp")} href="/sign-in" action={t("goToSignIn")} />
    );
  }
  if (!details) {
    return (
      <LinkGoneCard
        title={t("invalidTitle")}
        description={t("invalidDescription")}
        help={t("invalidHelp")}
        href="/sign-in"
        action={t("goToSignIn")}
      />
    );
  }

  return (
    <AuthCard
      title={t("title", { company: details.tenantName })}
      description={t("description")}
    >
      <dl className="mb-6 grid grid-cols-2 gap-px overflow-hidden rounded-lg bg-zinc-200 text-sm ring-1 ring-zinc-200">
        <div className="bg-zinc-50 px-4 py-3">
          <dt className="text-xs font-medium text-zinc-500">{t("company")}</dt>
          <dd className="mt-0.5 truncate font-medium text-zinc-900">{details.tenantName}</dd>
        </div>
        <div className="bg-zinc-50 px-4 py-3">
          <dt className="text-xs font-medium text-zinc-500">{t("role")}</dt>
          <dd className="mt-0.5 font-medium text-zinc-900">{tRoles(details.role)}</dd>
        </div>
      </dl>
      <AcceptInviteForm token={token} email={details.email} passwordMin={MIN_PASSWORD_LENGTH} />
    </AuthCard>
  );
}
