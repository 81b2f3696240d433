import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { DivisionFilter, requestedDivision } from "../division-filter";
import { tenantRequest } from "@/lib/auth/request";
import { listWaitingEmails } from "@/lib/inbound/waiting-list";
import { scopeOf } from "@/lib/auth/context";
import { listDivisionsWithTeams } from "@/lib/teams/teams";
import { bulkWaitingAction } from "./actions";
import { WaitingBulkList } from "./bulk-list";
import { heldByRule, reasonOf } from "./reasons";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<{ division?: string | string[] }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "waitingList" });
  return { title: t("title") };
}

/** Inbound emails held back for a decision, newest first; `?division=<id>` shows one division's. */
export default async function WaitingListPage({ params, searchParams }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division: requested } = await searchParams;
  const { divisions, waiting, divisionId } = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = await listDivisionsWithTeams(tx, scope);
    const divisionId = requestedDivision(divisions, requested);
    return { divisions, divisionId, waiting: await listWaitingEmails(tx, scope, { divisionId }) };
  });
  const t = await getTranslations("waitingList");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <DivisionFilter
        label={t("filter")}
        allLabel={t("allDivisions")}
        path={`/${slug}/waiting-list`}
        divisions={divisions}
        current={divisionId}
      />

      {waiting.total === 0 ? (
        <EmptyState icon="clock" title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Card>
          <CardHeader
            title={t("listTitle")}
            description={
              waiting.emails.length < waiting.total
                ? `${t("count", { count: waiting.total })} · ${t("newestShown", { shown: waiting.emails.length, total: waiting.total })}`
                : t("count", { count: waiting.total })
            }
          />
          <WaitingBulkList
            rows={waiting.emails.map((email) => ({
              id: email.id,
              href: `/${slug}/waiting-list/${email.id}`,
              from: email.from ? { name: email.from.name ?? null, address: email.from.address } : null,
              subject: email.subject,
              divisionName: !divisionId && divisions.length > 1 ? email.divisionName : null,
              reason: t(`reasons.${reasonOf(email.reason)}`),
              heldByRule: heldByRule(email.reason),
              receivedAt: email.receivedAt.toISOString(),
              received: format.dateTime(email.receivedAt, "dateTime"),
            }))}
            divisions={divisions}
            action={bulkWaitingAction.bind(null, slug)}
          />
        </Card>
      )}
    </>
  );
}
