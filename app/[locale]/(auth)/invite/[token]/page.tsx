import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { getDb } from "@/db";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { Link } from "@/lib/i18n/navigation";
import { inviteDetails } from "@/lib/members/invites";
import { buttonClasses } from "@/app/_components/button";
import { AuthCard } from "../../auth-card";
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
  const details = await inviteDetails(await getDb(), token);

  if (!details) {
    return (
      <AuthCard title={t("invalidTitle")} description={t("invalidDescription")}>
        <div className="flex items-start gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
          <Icon name="link" className="mt-0.5 size-5 shrink-0 text-amber-600" />
          <p>{t("invalidHelp")}</p>
        </div>
        <Link href="/sign-in" className={`${buttonClasses("secondary")} mt-6 w-full`}>
          {t("goToSignIn")}
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={t("title", { company: details.tenantName })}
      description={details.existingUser ? t("descriptionExisting") : t("descriptionNew")}
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
      <AcceptInviteForm
        token={token}
        email={details.email}
        existingUser={details.existingUser}
        passwordMin={MIN_PASSWORD_LENGTH}
      />
    </AuthCard>
  );
}
