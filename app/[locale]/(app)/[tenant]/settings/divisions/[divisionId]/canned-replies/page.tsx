import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card, CardBody } from "@/app/_components/card";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canManageDivisionCannedReplies } from "@/lib/auth/roles";
import { cannedReplyVariables, listDivisionCannedReplies } from "@/lib/canned-replies/canned-replies";
import { getDivision } from "@/lib/divisions/divisions";
import { createCannedReplyAction, deleteCannedReplyAction, updateCannedReplyAction } from "../../../../_canned-replies/actions";
import { CannedRepliesEditor } from "../../../../_canned-replies/canned-replies-editor";
import { readOrNotFound } from "../../../../read-or-not-found";
import { AdminsOnlyNote } from "../admins-only-note";
import { DivisionSectionBreadcrumb } from "../division-section-breadcrumb";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "cannedReplies" });
  return { title: t("title") };
}

/** The division's canned replies: every member inserts them on its tickets, administrators write them. */
export default async function DivisionCannedRepliesPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, replies } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    return {
      division: await getDivision(tx, scope, divisionId),
      replies: await listDivisionCannedReplies(tx, scope, divisionId),
    };
  });
  const t = await getTranslations("cannedReplies");
  const slug = ctx.tenant.slug;
  const admin = canManageDivisionCannedReplies(ctx.role);

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="cannedReplies" />}
        title={t("title")}
        description={t("description", { division: division.name })}
      />
      <div className="space-y-6">
        {!admin && <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>}
        <Card>
          <CardBody>
            <CannedRepliesEditor
              replies={replies.map(({ id, name, body }) => ({ id, name, body }))}
              divisionId={division.id}
              mayEdit={admin}
              variables={cannedReplyVariables}
              createAction={createCannedReplyAction.bind(null, slug)}
              updateAction={updateCannedReplyAction.bind(null, slug)}
              deleteAction={deleteCannedReplyAction.bind(null, slug)}
            />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
