import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { listDivisions } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { listWaitingEmails } from "@/lib/inbound/waiting-list";
import { scopeOf } from "@/lib/auth/context";
import { listTeams } from "@/lib/teams/teams";
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
  const { divisions, teams, waiting, divisionId } = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = await listDivisions(tx, scope);
    const teams = await Promise.all(divisions.map((division) => listTeams(tx, scope, division.id)));
    // A division that is not this tenant's (or no longer exists) filters nothing: all are shown.
    const divisionId = divisions.find((division) => division.id === requested)?.id;
    return { divisions, teams, divisionId, waiting: await listWaitingEmails(tx, scope, { divisionId }) };
  });
  const t = await getTranslations("waitingList");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const href = (id?: string) => (id ? `/${slug}/waiting-list?division=${id}` : `/${slug}/waiting-list`);

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {divisions.length > 1 && (
        <nav aria-label={t("filter")} className="mb-6">
          <ul className="flex flex-wrap gap-2">
            {[{ id: undefined, name: t("allDivisions") }, ...divisions].map((division) => {
              const current = division.id === divisionId;
              return (
                <li key={division.id ?? "all"}>
                  <Link
                    href={href(division.id)}
                    aria-current={current ? "page" : undefined}
                    className={`inline-flex rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset transition-colors ${
                      current ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-zinc-700 ring-zinc-200 hover:bg-zinc-50"
                    }`}
                  >
                    {division.name}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      )}

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
              received: format.dateTime(email.receivedAt, { dateStyle: "short", timeStyle: "short" }),
            }))}
            divisions={divisions.map((division, index) => ({
              id: division.id,
              name: division.name,
              tag: division.tag,
              teams: teams[index]!.map((team) => ({ id: team.id, name: team.name })),
            }))}
            action={bulkWaitingAction.bind(null, slug)}
          />
        </Card>
      )}
    </>
  );
}
