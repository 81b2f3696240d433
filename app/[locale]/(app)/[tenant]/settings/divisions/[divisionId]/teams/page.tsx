import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageTeams } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { scopeOf } from "@/lib/auth/context";
import { listTeams } from "@/lib/teams/teams";
import { readOrNotFound } from "../../../../read-or-not-found";
import { ItemListPage, ItemRowLink } from "../item-list";

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
  const listHref = `/${ctx.tenant.slug}/settings/divisions/${division.id}/teams`;

  return (
    <ItemListPage
      tenant={ctx.tenant.slug}
      division={division}
      section="teams"
      icon="users"
      count={teams.length}
      canAdd={canManageTeams(ctx.role)}
      columns={[
        { label: t("columns.team"), span: "col-span-5" },
        { label: t("columns.sendsFrom"), span: "col-span-4" },
        { label: t("columns.members"), span: "col-span-3" },
      ]}
    >
      {teams.map((team) => (
        <li key={team.id} data-team={team.name}>
          <ItemRowLink href={`${listHref}/${team.id}`}>
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
          </ItemRowLink>
        </li>
      ))}
    </ItemListPage>
  );
}
