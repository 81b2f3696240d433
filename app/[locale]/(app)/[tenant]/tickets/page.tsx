import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { isReadOnly } from "@/lib/auth/roles";
import { RuleError } from "@/lib/errors";
import { Link, redirect } from "@/lib/i18n/navigation";
import { hasPersonalMailboxes } from "@/lib/mailboxes/default-account";
import { listMembers } from "@/lib/members/members";
import { listDivisionsWithTeams } from "@/lib/teams/teams";
import { COUNT_CAP, countQueue, listQueue } from "@/lib/tickets/queue";
import { latestQueueChange } from "@/lib/tickets/queue-changes";
import { bulkTicketsAction } from "./actions";
import { QueueFilters } from "./queue-filters";
import { QueueLive } from "./queue-live";
import { QueueNav } from "./queue-nav";
import { QueuePager } from "./queue-pager";
import { SavedViews } from "./saved-views";
import { QueueTable } from "./queue-table";
import { defaultStatuses, FILTER_KEYS, type QueueSearchParams, type QueueState, queueHref, queueQueryOf, queueStateOf, viewCount } from "./queue-views";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<QueueSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "tickets" });
  return { title: t("title") };
}

/**
 * The ticket queue: every division's tickets (or one division's), by a status tab, saved view,
 * filters and a search, all in the address (./queue-views.ts), a page at a time from keyset
 * cursors (lib/tickets/queue.ts). Tickets are selected for bulk work and walked with the keyboard
 * (./bulk-queue.tsx).
 */
export default async function TicketsPage({ params, searchParams }: Props) {
  const { locale: localeParam, tenant } = await params;
  const locale = setPageLocale(localeParam);
  const { ctx, run } = await tenantRequest(tenant);
  const asked = await searchParams;

  const loaded = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = await listDivisionsWithTeams(tx, scope);
    if (divisions.length === 0) return null;
    const state = queueStateOf(asked, { divisionIds: divisions.map((division) => division.id) });
    const query = queueQueryOf(state, divisions, ctx.user.id);
    const shown = state.divisionId ? divisions.filter((division) => division.id === state.divisionId) : divisions;
    // Before the list: a change landing in between then costs one more refresh, never a missed one.
    const stamp = await latestQueueChange(tx, scope, { divisionId: state.divisionId });
    // A cursor edited by hand (or from another sort) starts the queue again from the top.
    const page = await listQueue(tx, scope, query, { userId: ctx.user.id }).catch((error: unknown) => {
      if (error instanceof RuleError && error.key === "queueCursorInvalid") return null;
      throw error;
    });
    if (!page) return { divisions, state: { ...state, after: undefined, before: undefined }, page: null } as const;
    const counts = await countQueue(tx, scope, query, defaultStatuses(shown));
    const members = await listMembers(tx, scope);
    const personal = await hasPersonalMailboxes(tx, scope, ctx.user.id);
    return { divisions, state, page, counts, members, stamp, personal } as const;
  });

  const t = await getTranslations("tickets");
  const slug = ctx.tenant.slug;

  if (!loaded) {
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

  // A submitted filter form sends its empty fields too: the address is made plain, once.
  const canonical = queueHref(slug, loaded.state);
  if (!loaded.page || !sameSearch(asked, canonical)) return redirect({ href: canonical, locale });
  const { divisions, state, page, counts, members, stamp, personal } = loaded;
  // Any change but a page's own cursor starts again at the top.
  const href = (changes: Partial<QueueState>) =>
    queueHref(slug, { ...state, after: undefined, before: undefined, ...changes });
  const filtered = FILTER_KEYS.some((key) => state[key] !== undefined);
  const total = viewCount(state.view, counts);
  const atLeast = total > COUNT_CAP;
  const shownTotal = Math.min(total, COUNT_CAP);
  const division = state.divisionId ? divisions.find((d) => d.id === state.divisionId) : undefined;
  const teams = divisions.flatMap((d) => d.teams.map((team) => ({ ...team, divisionName: d.name })));
  const rows = [...page.pinned, ...page.rows];

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <QueueLive stamp={stamp} slug={slug} />
      <QueueNav divisions={divisions} state={state} counts={counts} href={href} />
      <SavedViews state={state} teams={teams} hasPersonalMailboxes={personal} href={href} />
      <QueueFilters
        action={`/${locale}/${slug}/tickets`}
        state={state}
        teams={teams}
        members={members.map(({ userId, name }) => ({ userId, name }))}
        href={href}
      />

      {rows.length === 0 ? (
        <EmptyState
          icon="inbox"
          title={t("emptyTitle")}
          description={
            state.q
              ? t("emptySearchDescription", { q: state.q })
              : filtered
                ? t("emptyFilteredDescription")
                : state.view === "queue"
                  ? t("emptyQueueDescription")
                  : t("emptyDescription")
          }
        />
      ) : (
        <Card>
          <CardHeader
            title={
              division ? (
                <span className="flex items-center gap-2">
                  {division.name}
                  <span className="font-mono text-sm font-normal text-zinc-400">{division.tag}</span>
                </span>
              ) : (
                t("allDivisions")
              )
            }
            description={
              state.q
                ? t(atLeast ? "searchCountAtLeast" : "searchCount", { count: shownTotal, q: state.q })
                : t(atLeast ? "countAtLeast" : "count", { count: shownTotal })
            }
          />
          <QueueTable
            slug={slug}
            divisionId={state.divisionId}
            tickets={rows}
            pinned={new Set(page.pinned.map((row) => row.id))}
            tagHref={(tag) => href({ tag })}
            me={ctx.user.id}
            members={members.map(({ userId, name }) => ({ userId, name }))}
            divisions={divisions}
            action={bulkTicketsAction.bind(null, slug)}
            readOnly={isReadOnly(ctx.role)}
          />
          <QueuePager
            first={page.previous ? href({}) : null}
            previous={page.previous ? queueHref(slug, { ...state, after: undefined, before: page.previous }) : null}
            next={page.next ? queueHref(slug, { ...state, before: undefined, after: page.next }) : null}
          />
        </Card>
      )}
    </>
  );
}

/** Whether the address asked holds the same parameters as `href`, in any order. */
function sameSearch(asked: QueueSearchParams, href: string): boolean {
  const entries = (pairs: [string, string][]) => pairs.map(([key, value]) => `${key}=${value}`).sort().join("&");
  const given = Object.entries(asked).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((one): [string, string] => [key, one]),
  );
  return entries(given) === entries([...new URL(href, "http://x").searchParams]);
}
