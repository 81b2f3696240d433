import { getTranslations } from "next-intl/server";
import { buttonClasses } from "@/app/_components/button";
import { EmptyState } from "@/app/_components/empty-state";
import type { IconName } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { Link } from "@/lib/i18n/navigation";

type Area = "knowledgeBase";

/** The page of an area that later issues fill in: what it will hold, and what to set up meanwhile. */
export async function comingSoonPage(params: Promise<{ locale: string; tenant: string }>, area: Area, icon: IconName) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx } = await tenantRequest(tenant);
  const t = await getTranslations(`comingSoon.${area}`);
  const tCommon = await getTranslations("comingSoon");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <EmptyState icon={icon} badge={tCommon("badge")} title={t("emptyTitle")} description={t("emptyDescription")}>
        <Link href={`/${ctx.tenant.slug}/settings/divisions`} className={buttonClasses("primary")}>
          {tCommon("setUpDivisions")}
        </Link>
        <Link href={`/${ctx.tenant.slug}/settings/members`} className={buttonClasses("secondary")}>
          {tCommon("inviteTeam")}
        </Link>
      </EmptyState>
    </>
  );
}

export async function comingSoonTitle(params: Promise<{ locale: string }>, area: Area) {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: `comingSoon.${area}` });
  return { title: t("title") };
}
