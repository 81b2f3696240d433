import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import type { TicketPriority } from "@/db/schema";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { listDivisions } from "@/lib/divisions/divisions";
import { RuleError } from "@/lib/errors";
import { Link } from "@/lib/i18n/navigation";
import { listMembers } from "@/lib/members/members";
import { listDivisionsWithTeams } from "@/lib/teams/teams";
import { normalizeTag, ticketPriorities } from "@/lib/tickets/labels";
import { latestQueueChange } from "@/lib/tickets/queue-changes";
import { countTicketsByStatus, listTickets, QUEUE_PAGE_SIZE } from "@/lib/tickets/tickets";
import { bulkTicketsAction } from "./actions";
import { QueueFilters } from "./queue-filters";
import { QueueLive } from "./queue-live";
import { QueueNav } from "./queue-nav";
import { QueueTable } from "./queue-table";
import { type QueueState, queueHref, statusesOf, VIEWS, type View } from "./queue-views";

type SearchParam = string | string[] | undefined;

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<{
    division?: SearchParam;
    status?: SearchParam;
    page?: SearchParam;
    priority?: SearchParam;
    tag?: SearchParam;
  }>;
}

function first(value: SearchParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function viewOf(value: SearchParam): View {
  return VIEWS.find((view) => view === first(value)) ?? "queue";
}

function priorityOf(value: SearchParam): TicketPriority | undefined {
  return ticketPriorities.find((priority) => priority === first(value));
}

/** A tag from the address, as stored; one no ticket could carry filters nothing rather than failing. */
function tagOf(value: SearchParam): string | undefined {
  try {
    return normalizeTag(first(value) ?? "") ?? undefined;
  } catch (error) {
    if (error instanceof RuleError) return undefined;
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "tickets" });
  return { title: t("title") };
}

/**
 * The ticket queue of one division (`?division=`, else the first), most recently updated first, a
 * page at a time (`?page=`), filtered by a status tab (`?status=`), a priority (`?priority=`) and a
 * tag (`?tag=`). Tickets are selected for bulk work and walked with the keyboard (./bulk-queue.tsx).
 */
export default async function TicketsPage({ params, searchParams }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const query = await searchParams;
  const view = viewOf(query.status);
  const filter = { priority: priorityOf(query.priority), tag: tagOf(query.tag) };
  const requestedPage = Math.max(1, Math.floor(Number(first(query.page)) || 1));

  // Drawn before the list: a change in between shows in the list and refreshes once more, never goes unseen.
  const stamp = await run((tx) => latestQueueChange(tx, scopeOf(ctx)));
  const loaded = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = await listDivisions(tx, scope);
    // A division that is not this tenant's (or is gone) falls back to the first: never an error page.
    const division = divisions.find((d) => d.id === first(query.division)) ?? divisions[0];
    if (!division) return { divisions, division: null } as const;
    const counts = await countTicketsByStatus(tx, scope, division.id, filter);
    const statuses = statusesOf(view, division);
    const total = statuses.reduce((sum, status) => sum + counts[status], 0);
    const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
    const page = Math.min(requestedPage, pages);
    const tickets = await listTickets(tx, scope, {
      divisionId: division.id,
      status: statuses,
      ...filter,
      order: "lastUpdate",
      limit: QUEUE_PAGE_SIZE,
      offset: (page - 1) * QUEUE_PAGE_SIZE,
    });
    const destinations = await listDivisionsWithTeams(tx, scope);
    const members = await listMembers(tx, scope);
    return { divisions, division, counts, total, page, pages, tickets, destinations, members } as const;
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

  const { divisions, division, counts, total, page, pages, tickets, destinations, members } = loaded;
  const format = await getFormatter();
  const state: QueueState = { divisionId: division.id, view, page, ...filter };
  const href = (changes: Partial<QueueState>) =>
    queueHref(slug, { ...state, page: 1, ...changes }, { nameDivision: divisions.length > 1 });
  const filtered = Boolean(filter.priority || filter.tag);
  const shownFrom = (page - 1) * QUEUE_PAGE_SIZE + 1;

  return (
    <>
      <QueueLive stamp={stamp} slug={slug} />
      <PageHeader title={t("title")} description={t("description")} />
      <QueueNav divisions={divisions} division={division} view={view} counts={counts} href={href} />
      <QueueFilters
        action={`/${locale}/${slug}/tickets`}
        state={state}
        nameDivision={divisions.length > 1}
        href={href}
      />

      {total === 0 ? (
        <EmptyState
          icon="inbox"
          title={t("emptyTitle")}
          description={
            filtered ? t("emptyFilteredDescription") : view === "queue" ? t("emptyQueueDescription") : t("emptyDescription")
          }
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
              view === "queue" && !filtered
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
          <QueueTable
            slug={slug}
            division={division}
            tickets={tickets}
            tagHref={(tag) => href({ tag })}
            me={ctx.user.id}
            members={members.map(({ userId, name }) => ({ userId, name }))}
            divisions={destinations}
            action={bulkTicketsAction.bind(null, slug)}
          />
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
