import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageTeams } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { scopeOf } from "@/lib/scope";
import { listTeams } from "@/lib/teams/teams";
import { readOrNotFound } from "../../../../read-or-not-found";
import { TeamsBreadcrumb } from "./teams-breadcrumb";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "teams" });
  return { title: t("title") };
}

export default async function TeamsPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, teams } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    return { division: await getDivision(tx, scope, divisionId), teams: await listTeams(tx, scope, divisionId) };
  });
  const t = await getTranslations("teams");
  const slug = ctx.tenant.slug;
  const admin = canManageTeams(ctx.role);
  const listHref = `/${slug}/settings/divisions/${division.id}/teams`;
  const addButton = admin && (
    <Link href={`${listHref}/new`} className={buttonClasses("primary")}>
      <Icon name="plus" className="size-4" />
      {t("add")}
    </Link>
  );

  return (
    <>
      <PageHeader
        eyebrow={<TeamsBreadcrumb tenant={slug} division={division} />}
        title={t("title")}
        description={t("description", { division: division.name })}
        actions={teams.length > 0 && addButton}
      />

      {teams.length === 0 ? (
        <EmptyState icon="users" title={t("emptyTitle")} description={admin ? t("emptyDescription") : t("onlyAdmins")}>
          {addButton}
        </EmptyState>
      ) : (
        <Card>
          <CardHeader
            title={t("listTitle")}
            description={t("count", { count: teams.length })}
            actions={!admin && <Badge tone="neutral">{t("readOnly")}</Badge>}
          />
          <div className="hidden grid-cols-12 gap-4 border-b border-zinc-100 bg-zinc-50/60 px-6 py-2 text-xs font-medium text-zinc-500 md:grid">
            <span className="col-span-5">{t("columns.team")}</span>
            <span className="col-span-4">{t("columns.sendsFrom")}</span>
            <span className="col-span-3">{t("columns.members")}</span>
          </div>
          <ul className="divide-y divide-zinc-100">
            {teams.map((team) => (
              <li key={team.id} data-team={team.name}>
                <Link
                  href={`${listHref}/${team.id}`}
                  className="group grid gap-x-4 gap-y-2 px-5 py-4 hover:bg-zinc-50 sm:px-6 md:grid-cols-12 md:items-center"
                >
                  <span className="flex min-w-0 items-center gap-3 md:col-span-5">
                    <span className="grid size-9 shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-600">
                      <Icon name="users" className="size-4.5" />
                    </span>
                    <span className="truncate text-sm font-medium text-zinc-900 group-hover:text-brand-700">{team.name}</span>
                  </span>
                  <span className="min-w-0 text-sm md:col-span-4">
                    {team.outboundMailboxAddress ? (
                      <>
                        <span className="block truncate text-zinc-800">{team.outboundMailboxName}</span>
                        <span className="block truncate text-xs text-zinc-500">{team.outboundMailboxAddress}</span>
                      </>
                    ) : (
                      <span className="text-zinc-500">{t("divisionDefault")}</span>
                    )}
                  </span>
                  <span className="flex items-center justify-between gap-3 text-sm text-zinc-600 md:col-span-3">
                    {t("memberCount", { count: team.memberCount })}
                    <Icon name="chevronRight" className="hidden size-5 shrink-0 text-zinc-300 group-hover:text-brand-500 md:block" />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
