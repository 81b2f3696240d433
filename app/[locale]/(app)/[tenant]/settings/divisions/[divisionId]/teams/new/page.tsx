import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageTeams } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { listMailboxes } from "@/lib/mailboxes/mailboxes";
import { listMembers } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { createTeamAction } from "../actions";
import { TeamForm } from "../team-form";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "teams.new" });
  return { title: t("title") };
}

export default async function NewTeamPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, mailboxes, members } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    return {
      division: await getDivision(tx, scope, divisionId),
      // Only names and addresses leave this function: no sealed password reaches the page.
      mailboxes: (await listMailboxes(tx, scope, divisionId)).map(({ id, name, address }) => ({ id, name, address })),
      members: await listMembers(tx, scope),
    };
  });
  const t = await getTranslations("teams");
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="teams" current={t("new.title")} />}
        title={t("new.title")}
        description={t("new.description", { division: division.name })}
      />
      <TeamForm
        divisionId={division.id}
        initial={{ name: "", outboundMailboxId: null, memberIds: [] }}
        mailboxes={mailboxes}
        members={members.map(({ userId, name, email }) => ({ userId, name, email }))}
        canEdit={canManageTeams(ctx.role)}
        saveAction={createTeamAction.bind(null, slug)}
        listHref={`/${slug}/settings/divisions/${division.id}/teams`}
      />
    </>
  );
}
