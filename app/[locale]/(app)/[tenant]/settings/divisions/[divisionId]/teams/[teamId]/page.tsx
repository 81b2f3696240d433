import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageTeams } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { listMailboxes } from "@/lib/mailboxes/mailboxes";
import { listMembers } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";
import { getTeam, listTeamMembers } from "@/lib/teams/teams";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { deleteTeamAction, updateTeamAction } from "../actions";
import { TeamForm } from "../team-form";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string; teamId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "teams" });
  return { title: t("title") };
}

export default async function TeamPage({ params }: Props) {
  const { locale, tenant, divisionId, teamId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, team, teamMembers, mailboxes, members } = await readOrNotFound(
    run,
    [divisionId, teamId],
    async (tx) => {
      const scope = scopeOf(ctx);
      return {
        division: await getDivision(tx, scope, divisionId),
        team: await getTeam(tx, scope, teamId),
        teamMembers: await listTeamMembers(tx, scope, teamId),
        // Only names and addresses leave this function: no sealed password reaches the page.
      mailboxes: (await listMailboxes(tx, scope, divisionId)).map(({ id, name, address }) => ({ id, name, address })),
        members: await listMembers(tx, scope),
      };
    },
  );
  if (team.divisionId !== division.id) notFound();
  const t = await getTranslations("teams");
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="teams" current={team.name} />}
        title={team.name}
        description={t("edit.description", { division: division.name })}
      />
      <TeamForm
        divisionId={division.id}
        team={{ id: team.id, name: team.name }}
        initial={{
          name: team.name,
          outboundMailboxId: team.outboundMailboxId,
          memberIds: teamMembers.map((member) => member.userId),
        }}
        mailboxes={mailboxes}
        members={members.map(({ userId, name, email }) => ({ userId, name, email }))}
        canEdit={canManageTeams(ctx.role)}
        saveAction={updateTeamAction.bind(null, slug)}
        deleteAction={deleteTeamAction.bind(null, slug)}
        listHref={`/${slug}/settings/divisions/${division.id}/teams`}
      />
    </>
  );
}
