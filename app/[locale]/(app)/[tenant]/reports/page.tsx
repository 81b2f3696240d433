import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canReadReports } from "@/lib/auth/roles";
import { displayTimeZone, formatCalendarDay } from "@/lib/i18n/dates";
import { Link } from "@/lib/i18n/navigation";
import type { TargetShare } from "@/lib/reports/figures";
import { localDay } from "@/lib/divisions/business-hours";
import { report } from "@/lib/reports/report";
import { listDivisionsWithTeams } from "@/lib/teams/teams";
import { FiltersForm } from "./filters-form";
import { PrintButton } from "./print-button";
import { ReportCard } from "./report-card";
import { type ReportSearchParams, reportFiltersOf } from "./report-filters";
import { type Figure, reportFigures } from "./report-tables";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<ReportSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "reports" });
  return { title: t("title") };
}

/**
 * The reports dashboard: one report (lib/reports/report.ts) for the filters in the address, drawn
 * as charts with their tables and CSV files, in sections that print a page each. Light agents do
 * not see it: it shows every member's figures.
 */
export default async function ReportsPage({ params, searchParams }: Props) {
  const { locale: localeParam, tenant } = await params;
  const locale = setPageLocale(localeParam);
  const { ctx, run } = await tenantRequest(tenant);
  // The layout has refused them already; the figures are read only after asking again here.
  if (!canReadReports(ctx.role)) notFound();
  const asked = await searchParams;

  const { divisions, filters, figures } = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = (await listDivisionsWithTeams(tx, scope)).map(({ id, name, teams, timeZone }) => ({
      id,
      name,
      teams,
      timeZone,
    }));
    const { filters, query } = reportFiltersOf(asked, divisions, displayTimeZone, (timeZone) => localDay(new Date(), timeZone));
    return { divisions, filters, figures: await report(tx, scope, query) };
  });

  const t = await getTranslations("reports");
  const tMailboxes = await getTranslations("mailboxes");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const shown = reportFigures(figures, locale, t, tMailboxes);
  const card = (figure: Figure, options: { empty?: string; children?: ReactNode } = {}) => (
    <ReportCard figure={figure} fileName={`${figure.id}-${filters.from}-${filters.to}.csv`} empty={options.empty}>
      {options.children}
    </ReportCard>
  );
  // The queue's own filter (tickets/queue-views.ts): `sla=breached` or `sla=soon`, in its order of parameters.
  const queueHref = (sla: "breached" | "breachingSoon") => {
    const query = new URLSearchParams();
    if (filters.divisionId) query.set("division", filters.divisionId);
    if (filters.teamId) query.set("team", filters.teamId);
    query.set("sla", sla === "breached" ? "breached" : "soon");
    return `/${slug}/tickets?${query}`;
  };
  const share = (target: TargetShare) => (target.share === null ? "—" : format.number(target.share, { style: "percent", maximumFractionDigits: 1 }));

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={<PrintButton label={t("print")} />} />
      <FiltersForm
        action={`/${locale}/${slug}/reports`}
        slug={slug}
        divisions={divisions.map(({ id, name, teams }) => ({ id, name, teams }))}
        filters={filters}
      />
      <p className="mb-8 text-sm text-zinc-600" data-report-period>
        {t("period", {
          from: formatCalendarDay(locale, filters.from),
          to: formatCalendarDay(locale, filters.to),
          timeZone: figures.query.timeZone,
        })}
      </p>

      <div className="space-y-10">
        <ReportSection title={t("sections.now")} first>
          {card(shown.serviceLevels, {
            children: (
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                {(["firstResponse", "resolution"] as const).map((target) => (
                  <BigNumber key={target} label={t(`serviceLevels.${target}`)} value={share(figures.serviceLevels[target])} testId={`share-${target}`}>
                    {figures.serviceLevels[target].share === null
                      ? t("serviceLevels.noTarget")
                      : t("serviceLevels.metMissed", { met: figures.serviceLevels[target].met, missed: figures.serviceLevels[target].missed })}
                  </BigNumber>
                ))}
                {(["breached", "breachingSoon"] as const).map((sla) => (
                  <BigNumber key={sla} label={t(`serviceLevels.${sla}`)} value={format.number(figures[sla])} testId={sla} tone={figures[sla] > 0 ? "alert" : "plain"}>
                    <Link href={queueHref(sla)} className="font-medium text-brand-700 hover:underline print:hidden">
                      {t("serviceLevels.showInQueue")}
                    </Link>
                  </BigNumber>
                ))}
              </dl>
            ),
          })}
          {card(shown.backlog, {
            children: (
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <BigNumber label={t("backlog.open")} value={format.number(figures.backlog.reduce((total, row) => total + row.total, 0))} testId="open" />
                <BigNumber label={t("backlog.waitingList")} value={format.number(figures.waitingList)} testId="waiting-list">
                  {t("backlog.waitingListHint")}
                </BigNumber>
              </dl>
            ),
          })}
        </ReportSection>
        <ReportSection title={t("sections.volume")}>
          {card(shown.ticketsPerDay)}
          {card(shown.inboundPerDay)}
        </ReportSection>
        <ReportSection title={t("sections.speed")}>
          {card(shown.firstResponsePerDay)}
          {card(shown.resolutionPerDay)}
          {card(shown.responseTimesPerTeam)}
        </ReportSection>
        <ReportSection title={t("sections.people")}>
          {card(shown.agents, { empty: t("agents.empty") })}
          {card(shown.mailboxes, { empty: t("mailboxes.empty") })}
        </ReportSection>
      </div>
    </>
  );
}

/** A part of the dashboard; on paper each after the first starts a new page. */
function ReportSection({ title, first = false, children }: { title: string; first?: boolean; children: ReactNode }) {
  return (
    <section className={`space-y-6 ${first ? "" : "print:break-before-page"}`}>
      <h2 className="text-lg font-semibold text-zinc-900">{title}</h2>
      {children}
    </section>
  );
}

function BigNumber({
  label,
  value,
  testId,
  tone = "plain",
  children,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: "plain" | "alert";
  children?: ReactNode;
}) {
  return (
    <div className="rounded-lg bg-zinc-50 px-4 py-3 ring-1 ring-zinc-200/70 ring-inset" data-big-number={testId}>
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums ${tone === "alert" ? "text-red-700" : "text-zinc-900"}`}>{value}</dd>
      {children && <dd className="mt-1 text-xs text-zinc-500">{children}</dd>}
    </div>
  );
}
