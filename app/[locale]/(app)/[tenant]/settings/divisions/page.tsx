import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Badge, StatusDot } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageDivisions } from "@/lib/auth/roles";
import { listDivisions } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { isLocale } from "@/lib/i18n/routing";
import { countMailboxesByDivision } from "@/lib/mailboxes/counts";
import { scopeOf } from "@/lib/auth/context";
import { SettingsBreadcrumb } from "../breadcrumb";
import { createDivisionAction } from "./actions";
import { CreateDivisionForm } from "./create-division-form";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "divisions" });
  return { title: t("title") };
}

export default async function DivisionsPage({ params }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const [divisions, mailboxCounts] = await run((tx) =>
    Promise.all([listDivisions(tx, scopeOf(ctx)), countMailboxesByDivision(tx, scopeOf(ctx))]),
  );
  const t = await getTranslations("divisions");
  const tMailboxes = await getTranslations("mailboxes");
  const tLanguage = await getTranslations("language.name");
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        eyebrow={<SettingsBreadcrumb tenant={slug} trail={[{ label: t("title") }]} />}
        title={t("title")}
        description={t("description")}
      />
      <div className="space-y-8">
        <Card>
          <CardHeader title={t("listTitle")} description={t("count", { count: divisions.length })} />
          <div className="hidden grid-cols-12 gap-4 border-b border-zinc-100 bg-zinc-50/60 px-6 py-2 text-xs font-medium text-zinc-500 sm:grid">
            <span className="col-span-4">{t("columns.name")}</span>
            <span className="col-span-2">{t("columns.tag")}</span>
            <span className="col-span-2">{t("columns.language")}</span>
            <span className="col-span-2">{t("columns.mailboxes")}</span>
            <span className="col-span-2">{t("columns.dispatcher")}</span>
          </div>
          <ul className="divide-y divide-zinc-100">
            {divisions.map((division) => (
              // The whole row opens the division (its name's link covers it); the mailbox count links on.
              <li
                key={division.id}
                className="group relative grid grid-cols-2 items-center gap-x-4 gap-y-2 px-5 py-4 hover:bg-zinc-50 sm:grid-cols-12 sm:px-6"
              >
                <span className="col-span-2 flex min-w-0 items-center gap-3 sm:col-span-4">
                  <span className="grid size-9 shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-600">
                    <Icon name="inbox" className="size-4.5" />
                  </span>
                  <Link
                    href={`/${slug}/settings/divisions/${division.id}`}
                    className="truncate text-sm font-medium text-zinc-900 group-hover:text-brand-700 after:absolute after:inset-0"
                  >
                    {division.name}
                  </Link>
                </span>
                <span className="sm:col-span-2">
                  <Badge tone="neutral">
                    <span className="font-mono">{division.tag}</span>
                  </Badge>
                </span>
                <span className="text-sm text-zinc-600 sm:col-span-2">
                  {isLocale(division.language) ? tLanguage(division.language) : division.language}
                </span>
                <span className="sm:col-span-2">
                  <Link
                    href={`/${slug}/settings/divisions/${division.id}/mailboxes`}
                    className="relative z-10 inline-flex items-center gap-1.5 rounded-md text-sm text-zinc-600 hover:text-brand-700 hover:underline"
                  >
                    <Icon name="envelope" className="size-4 text-zinc-400" />
                    {tMailboxes("count", { count: mailboxCounts[division.id] ?? 0 })}
                  </Link>
                </span>
                <span className="flex items-center justify-between sm:col-span-2">
                  <StatusDot on={division.dispatcherActive}>
                    {division.dispatcherActive ? t("dispatcherOn") : t("dispatcherOff")}
                  </StatusDot>
                  <Icon name="chevronRight" className="hidden size-5 text-zinc-300 group-hover:text-brand-500 sm:block" />
                </span>
              </li>
            ))}
          </ul>
        </Card>

        {canManageDivisions(ctx.role) ? (
          <Card>
            <CardHeader title={t("create.title")} description={t("create.description")} />
            <CreateDivisionForm action={createDivisionAction.bind(null, slug)} />
          </Card>
        ) : (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Icon name="lock" className="size-4" />
            {t("onlyAdmins")}
          </p>
        )}
      </div>
    </>
  );
}
