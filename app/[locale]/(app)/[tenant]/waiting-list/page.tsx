import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { listDivisions } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import type { WaitingReason } from "@/lib/inbound/decide";
import { listWaitingEmails } from "@/lib/inbound/waiting-list";
import { scopeOf } from "@/lib/auth/context";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<{ division?: string | string[] }>;
}

const REASONS: WaitingReason[] = ["automationMode", "unknownSender", "missingFrom", "autoReply", "bounce", "mailingList", "bulk"];

function reasonOf(code: string | null): WaitingReason | "other" {
  return REASONS.find((reason) => reason === code) ?? "other";
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
    const divisions = await listDivisions(tx, scope);
    // A division that is not this tenant's (or no longer exists) filters nothing: all are shown.
    const divisionId = divisions.find((division) => division.id === requested)?.id;
    return { divisions, divisionId, waiting: await listWaitingEmails(tx, scope, { divisionId }) };
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
          <div className="hidden grid-cols-12 gap-4 border-b border-zinc-100 bg-zinc-50/60 px-6 py-2 text-xs font-medium text-zinc-500 md:grid">
            <span className="col-span-3">{t("columns.from")}</span>
            <span className="col-span-4">{t("columns.subject")}</span>
            <span className="col-span-3">{t("columns.reason")}</span>
            <span className="col-span-2 text-right">{t("columns.received")}</span>
          </div>
          <ul className="divide-y divide-zinc-100">
            {waiting.emails.map((email) => (
              <li
                key={email.id}
                data-inbound-email={email.id}
                className="grid gap-x-4 gap-y-1 px-5 py-3.5 sm:px-6 md:grid-cols-12 md:items-center"
              >
                <div className="min-w-0 md:col-span-3">
                  {email.from ? (
                    <>
                      <p className="truncate text-sm font-medium text-zinc-900">{email.from.name ?? email.from.address}</p>
                      {email.from.name && <p className="truncate text-xs text-zinc-500">{email.from.address}</p>}
                    </>
                  ) : (
                    <p className="text-sm text-zinc-500 italic">{t("noSender")}</p>
                  )}
                </div>
                <div className="min-w-0 md:col-span-4">
                  <p className={`truncate text-sm ${email.subject ? "text-zinc-800" : "text-zinc-500 italic"}`}>
                    {email.subject || t("noSubject")}
                  </p>
                  {!divisionId && divisions.length > 1 && (
                    <p className="truncate text-xs text-zinc-500">{email.divisionName}</p>
                  )}
                </div>
                <div className="md:col-span-3">
                  <Badge tone={email.reason === "automationMode" || email.reason === "unknownSender" ? "brand" : "neutral"}>
                    {t(`reasons.${reasonOf(email.reason)}`)}
                  </Badge>
                </div>
                <p className="text-xs whitespace-nowrap text-zinc-500 md:col-span-2 md:text-right">
                  <time dateTime={email.receivedAt.toISOString()}>
                    {format.dateTime(email.receivedAt, { dateStyle: "short", timeStyle: "short" })}
                  </time>
                </p>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
