import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import type { Division, TicketStatus } from "@/db/schema";
import { tenantRequest } from "@/lib/auth/request";
import { listDivisions } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { scopeOf } from "@/lib/auth/context";
import { countTicketsByStatus, listTickets, QUEUE_PAGE_SIZE } from "@/lib/tickets/tickets";
import { TicketStatusBadge } from "./ticket-status-badge";

type SearchParam = string | string[] | undefined;

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<{ division?: SearchParam; status?: SearchParam; page?: SearchParam }>;
}

/** The tabs of the queue, as spelled in the URL; "queue" (the default) is what the division chooses to show. */
const VIEWS = ["queue", "open", "answered", "on-hold", "closed", "all"] as const;
type View = (typeof VIEWS)[number];

function first(value: SearchParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function viewOf(value: SearchParam): View {
  return VIEWS.find((view) => view === first(value)) ?? "queue";
}

/** The statuses a view lists; the default view follows the division's "show answered / on hold". */
function statusesOf(view: View, division: Division): TicketStatus[] {
  switch (view) {
    case "queue":
      return [
        "open",
        ...(division.showAnswered ? (["answered"] as const) : []),
        ...(division.showOnHold ? (["on_hold"] as const) : []),
      ];
    case "on-hold":
      return ["on_hold"];
    case "all":
      return ["open", "answered", "on_hold", "closed"];
    default:
      return [view];
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "tickets" });
  return { title: t("title") };
}

/**
 * The ticket queue of one division (`?division=`, else the first), most recently updated first, a
 * page at a time (`?page=`), filtered by a status tab (`?status=`).
 */
export default async function TicketsPage({ params, searchParams }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const query = await searchParams;
  const view = viewOf(query.status);
  const requestedPage = Math.max(1, Math.floor(Number(first(query.page)) || 1));

  const loaded = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = await listDivisions(tx, scope);
    // A division that is not this tenant's (or is gone) falls back to the first: never an error page.
    const division = divisions.find((d) => d.id === first(query.division)) ?? divisions[0];
    if (!division) return { divisions, division: null } as const;
    const counts = await countTicketsByStatus(tx, scope, division.id);
    const statuses = statusesOf(view, division);
    const total = statuses.reduce((sum, status) => sum + counts[status], 0);
    const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
    const page = Math.min(requestedPage, pages);
    const tickets = await listTickets(tx, scope, {
      divisionId: division.id,
      status: statuses,
      order: "lastUpdate",
      limit: QUEUE_PAGE_SIZE,
      offset: (page - 1) * QUEUE_PAGE_SIZE,
    });
    const queueTotal = statusesOf("queue", division).reduce((sum, status) => sum + counts[status], 0);
    return { divisions, division, counts, total, queueTotal, page, pages, tickets } as const;
  });

  const t = await getTranslations("tickets");
  const slug = ctx.tenant.slug;

  if (!loaded.division) {
    return (
      <>
        <PageHeader title={t("title")} description={t("description")} />
        <EmptyState icon="inbox" title={t("noDivisionsTitle")} description={t("noDivisionsDescription")}>
          <Link href={`/${slug}/settings/divisions`} className={buttonClasses("primary")}>
            {t("setUpDivisions")}
          </Link>
        </EmptyState>
      </>
    );
  }

  const { divisions, division, counts, total, queueTotal, page, pages, tickets } = loaded;
  const format = await getFormatter();
  const now = new Date();
  const href = (changes: { division?: string; view?: View; page?: number }) => {
    const search = new URLSearchParams();
    const divisionId = changes.division ?? division.id;
    if (divisions.length > 1 || divisionId !== division.id) search.set("division", divisionId);
    const nextView = changes.view ?? view;
    if (nextView !== "queue") search.set("status", nextView);
    if ((changes.page ?? 1) > 1) search.set("page", String(changes.page));
    const rest = search.toString();
    return `/${slug}/tickets${rest ? `?${rest}` : ""}`;
  };
  const viewCount = (v: View) =>
    v === "queue" ? queueTotal : statusesOf(v, division).reduce((sum, status) => sum + counts[status], 0);
  const shownFrom = (page - 1) * QUEUE_PAGE_SIZE + 1;

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />

      {divisions.length > 1 && (
        <nav aria-label={t("divisionFilter")} className="mb-4">
          <ul className="flex flex-wrap gap-2">
            {divisions.map((d) => {
              const current = d.id === division.id;
              return (
                <li key={d.id}>
                  <Link
                    href={href({ division: d.id, view: "queue" })}
                    aria-current={current ? "page" : undefined}
                    className={`inline-flex items-center gap-2 rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset transition-colors ${
                      current ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-zinc-700 ring-zinc-200 hover:bg-zinc-50"
                    }`}
                  >
                    {d.name}
                    <span className={`font-mono text-xs ${current ? "text-brand-100" : "text-zinc-400"}`}>{d.tag}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      )}

      <nav aria-label={t("statusFilter")} className="mb-6 overflow-x-auto border-b border-zinc-200">
        <ul className="-mb-px flex gap-1">
          {VIEWS.map((v) => {
            const current = v === view;
            return (
              <li key={v}>
                <Link
                  href={href({ view: v })}
                  aria-current={current ? "page" : undefined}
                  data-view={v}
                  className={`inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors ${
                    current
                      ? "border-brand-600 text-brand-700"
                      : "border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800"
                  }`}
                >
                  {t(`views.${v === "on-hold" ? "onHold" : v}`)}
                  <span
                    className={`rounded-full px-1.5 py-px text-xs tabular-nums ${
                      current ? "bg-brand-50 text-brand-700" : "bg-zinc-100 text-zinc-500"
                    }`}
                  >
                    {viewCount(v)}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      {total === 0 ? (
        <EmptyState
          icon="inbox"
          title={t("emptyTitle")}
          description={view === "queue" ? t("emptyQueueDescription") : t("emptyDescription")}
        />
      ) : (
        <Card>
          <CardHeader
            title={
              <span className="flex items-center gap-2">
                {division.name}
                <span className="font-mono text-sm font-normal text-zinc-400">{division.tag}</span>
              </span>
            }
            description={
              view === "queue"
                ? t("queueShows", {
                    statuses: format.list(statusesOf("queue", division).map((status) => t(`statusesInList.${status}`))),
                  })
                : t("count", { count: total })
            }
            actions={
              pages > 1 && (
                <span className="text-sm text-zinc-500">
                  {t("range", { from: shownFrom, to: shownFrom + tickets.length - 1, total })}
                </span>
              )
            }
          />
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs font-medium text-zinc-500">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium sm:pl-6">
                    {t("columns.ticket")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("columns.customer")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("columns.status")}
                  </th>
                  <th scope="col" className="hidden px-3 py-2 font-medium lg:table-cell">
                    {t("columns.team")}
                  </th>
                  <th scope="col" className="hidden px-3 py-2 font-medium md:table-cell">
                    {t("columns.assignee")}
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    <span title={t("columns.messages")}>
                      <Icon name="envelope" className="ml-auto size-4" />
                      <span className="sr-only">{t("columns.messages")}</span>
                    </span>
                  </th>
                  <th scope="col" className="px-5 py-2 text-right font-medium sm:pr-6">
                    {t("columns.updated")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {tickets.map((ticket) => (
                  <tr
                    key={ticket.id}
                    data-ticket={ticket.id}
                    data-highlighted={ticket.highlighted || undefined}
                    className={ticket.highlighted ? "bg-amber-50/70 hover:bg-amber-50" : "hover:bg-zinc-50"}
                  >
                    <td
                      className={`max-w-0 min-w-64 px-5 py-3 sm:pl-6 ${
                        ticket.highlighted ? "border-l-4 border-amber-400 sm:pl-5" : ""
                      }`}
                    >
                      <Link
                        href={`/${slug}/tickets/${ticket.id}`}
                        className="group block min-w-0 focus-visible:outline-2 focus-visible:outline-brand-600"
                      >
                        <span className="flex items-center gap-2">
                          <span className="shrink-0 font-mono text-xs text-zinc-500">
                            [{division.tag}#{ticket.number}]
                          </span>
                          {ticket.highlighted && (
                            <span className="shrink-0 rounded bg-amber-200/70 px-1.5 text-[11px] font-semibold text-amber-900">
                              {t("highlighted")}
                            </span>
                          )}
                        </span>
                        <span
                          className={`block truncate text-zinc-900 group-hover:text-brand-700 ${
                            ticket.status === "open" ? "font-semibold" : "font-medium"
                          }`}
                        >
                          {ticket.subject || t("noSubject")}
                        </span>
                      </Link>
                    </td>
                    <td className="max-w-48 px-3 py-3">
                      {ticket.contactEmail ? (
                        <>
                          <span className="block truncate text-zinc-800">{ticket.contactName ?? ticket.contactEmail}</span>
                          {ticket.contactName && (
                            <span className="block truncate text-xs text-zinc-500">{ticket.contactEmail}</span>
                          )}
                        </>
                      ) : (
                        <span className="text-zinc-400">—</span>
                      )}
                    </td>
                    <td className="px-3 py-3 whitespace-nowrap">
                      <TicketStatusBadge status={ticket.status} />
                    </td>
                    <td className="hidden max-w-36 truncate px-3 py-3 text-zinc-600 lg:table-cell">
                      {ticket.teamName ?? <span className="text-zinc-400">—</span>}
                    </td>
                    <td className="hidden max-w-36 truncate px-3 py-3 text-zinc-600 md:table-cell">
                      {ticket.assigneeName ?? <span className="text-zinc-400">{t("unassigned")}</span>}
                    </td>
                    <td className="px-3 py-3 text-right text-zinc-600 tabular-nums">{ticket.messageCount}</td>
                    <td className="px-5 py-3 text-right text-xs whitespace-nowrap text-zinc-500 sm:pr-6">
                      <time
                        dateTime={ticket.updatedAt.toISOString()}
                        title={format.dateTime(ticket.updatedAt, { dateStyle: "medium", timeStyle: "short" })}
                      >
                        {format.relativeTime(ticket.updatedAt, now)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav
              aria-label={t("pagination")}
              className="flex items-center justify-between gap-3 border-t border-zinc-100 px-5 py-3 sm:px-6"
            >
              <span className="text-sm text-zinc-500">{t("pageOf", { page, pages })}</span>
              <span className="flex gap-2">
                {page > 1 && (
                  <Link href={href({ page: page - 1 })} rel="prev" className={buttonClasses("secondary", "sm")}>
                    {t("previous")}
                  </Link>
                )}
                {page < pages && (
                  <Link href={href({ page: page + 1 })} rel="next" className={buttonClasses("secondary", "sm")}>
                    {t("next")}
                  </Link>
                )}
              </span>
            </nav>
          )}
        </Card>
      )}
    </>
  );
}
