import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { type AccountOverviewRow, accountsOverview } from "@/lib/dispatch/accounts-overview";
import { failingState } from "@/lib/dispatch/status";
import { Link } from "@/lib/i18n/navigation";
import { SettingsBreadcrumb } from "../breadcrumb";
import { DispatchStateDot } from "../divisions/[divisionId]/dispatcher/dispatch-state-dot";
import { AdminsOnlyNote } from "../divisions/[divisionId]/admins-only-note";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  /** `division`: only that division's mailboxes; `removed=1`: removed ones too. */
  searchParams: Promise<{ division?: string | string[]; removed?: string | string[] }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "accounts" });
  return { title: t("title") };
}

const standingTones = { active: "green", inactive: "neutral", replaced: "neutral", removed: "amber" } as const;

/**
 * "All accounts": every mailbox of the company across divisions, for administrators, each linking to
 * its page; filtered by division, removed ones behind "Show removed". The filters are links, so the
 * page works as a plain list at any width and keeps its state in the address.
 */
export default async function AccountsPage({ params, searchParams }: Props) {
  const { locale, tenant } = await params;
  const query = await searchParams;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const t = await getTranslations("accounts");
  const slug = ctx.tenant.slug;
  const header = (
    <PageHeader
      eyebrow={<SettingsBreadcrumb tenant={slug} trail={[{ label: t("title") }]} />}
      title={t("title")}
      description={t("description", { company: ctx.tenant.name })}
    />
  );
  if (!canManageMailSettings(ctx.role)) {
    return (
      <>
        {header}
        <AdminsOnlyNote>{(await getTranslations("mailboxes"))("onlyAdmins")}</AdminsOnlyNote>
      </>
    );
  }

  const divisionId = typeof query.division === "string" ? query.division : undefined;
  const showRemoved = query.removed === "1";
  const now = new Date();
  const { divisions, accounts } = await run((tx) =>
    accountsOverview(tx, scopeOf(ctx), { now, includeRemoved: showRemoved, divisionId }),
  );
  const chosen = divisions.some((division) => division.id === divisionId) ? divisionId : undefined;
  const href = (change: { division?: string | null; removed?: boolean }) => {
    const params = new URLSearchParams();
    const division = change.division === undefined ? chosen : change.division;
    if (division) params.set("division", division);
    if (change.removed ?? showRemoved) params.set("removed", "1");
    const search = params.toString();
    return `/${slug}/settings/accounts${search ? `?${search}` : ""}`;
  };
  const chip = (active: boolean) =>
    `inline-flex max-w-full items-center rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ${
      active ? "bg-brand-50 text-brand-700 ring-brand-200" : "bg-white text-zinc-600 ring-zinc-200 hover:bg-zinc-50"
    }`;

  return (
    <>
      {header}
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <nav aria-label={t("filterLabel")} className="flex min-w-0 flex-wrap gap-2" data-testid="division-filter">
          <Link href={href({ division: null })} className={chip(!chosen)} aria-current={!chosen ? "page" : undefined}>
            {t("allDivisions")}
          </Link>
          {divisions.map((division) => (
            <Link
              key={division.id}
              href={href({ division: division.id })}
              className={chip(chosen === division.id)}
              aria-current={chosen === division.id ? "page" : undefined}
            >
              <span className="truncate">{division.name}</span>
            </Link>
          ))}
        </nav>
        <Link href={href({ removed: !showRemoved })} className={chip(showRemoved)} data-testid="show-removed" aria-pressed={showRemoved}>
          <Icon name={showRemoved ? "checkCircle" : "trash"} className="mr-1.5 size-4" />
          {showRemoved ? t("hideRemoved") : t("showRemoved")}
        </Link>
      </div>

      {accounts.length === 0 ? (
        <EmptyState icon="envelope" title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Card>
          <CardHeader title={t("title")} description={t("count", { count: accounts.length })} />
          <div className="hidden grid-cols-12 gap-4 border-b border-zinc-100 bg-zinc-50/60 px-6 py-2 text-xs font-medium text-zinc-500 lg:grid">
            <span className="col-span-3">{t("columns.mailbox")}</span>
            <span className="col-span-2">{t("columns.owner")}</span>
            <span className="col-span-2">{t("columns.signIn")}</span>
            <span className="col-span-3">{t("columns.state")}</span>
            <span className="col-span-2">{t("columns.polls")}</span>
          </div>
          <ul className="divide-y divide-zinc-100" data-testid="accounts">
            {accounts.map((account) => (
              <AccountRow key={account.status.id} account={account} slug={slug} now={now} />
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

async function AccountRow({ account, slug, now }: { account: AccountOverviewRow; slug: string; now: Date }) {
  const t = await getTranslations("accounts");
  const tMailboxes = await getTranslations("mailboxes");
  const tDispatcher = await getTranslations("dispatcher");
  const format = await getFormatter();
  const { status, division } = account;
  const when = (date: Date) => (
    <time dateTime={date.toISOString()} title={format.dateTime(date, "dateTime")}>
      {format.relativeTime(date, now)}
    </time>
  );
  const failing = failingState(status);
  const scheduled = account.standing === "active" && division.dispatcherActive && !status.awaitingConnect;
  return (
    <li data-mailbox={status.address} data-standing={account.standing} data-division={division.name}>
      <Link
        href={`/${slug}/settings/divisions/${division.id}/mailboxes/${status.id}`}
        className="group grid gap-x-4 gap-y-2 px-5 py-4 hover:bg-zinc-50 sm:px-6 lg:grid-cols-12 lg:items-start"
      >
        <span className="min-w-0 lg:col-span-3">
          <span className="flex flex-wrap items-center gap-2">
            <span className="min-w-0 truncate text-sm font-medium text-zinc-900 group-hover:text-brand-700">{status.name}</span>
            {account.isDefault && <Badge tone="brand">{tMailboxes("default")}</Badge>}
            <Badge tone={standingTones[account.standing]}>{t(`standing.${account.standing}`)}</Badge>
          </span>
          <span className="block truncate text-sm text-zinc-500">{status.address}</span>
        </span>
        <span className="min-w-0 text-sm lg:col-span-2">
          <span className="block truncate text-zinc-800">{division.name}</span>
          <span className="block truncate text-xs text-zinc-500" data-owner>
            {account.owner
              ? t("ownerPerson", { name: account.owner })
              : account.team
                ? t("ownerTeam", { team: account.team })
                : t("ownerDivision")}
          </span>
        </span>
        <span className="min-w-0 text-sm lg:col-span-2">
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone="neutral">{tMailboxes(`protocols.${status.protocol}`)}</Badge>
            <span className="text-xs text-zinc-600">
              {account.authKind === "oauth2" && account.oauthProvider
                ? t("oauth", { provider: tMailboxes(`oauth.providerNames.${account.oauthProvider}`) })
                : t("password")}
            </span>
          </span>
        </span>
        <span className="min-w-0 space-y-1 text-sm lg:col-span-3">
          {account.dispatchState ? (
            <span className="flex items-center gap-2.5" data-dispatch-state={account.dispatchState}>
              <DispatchStateDot state={account.dispatchState} />
              <span className={failing ? "font-medium text-red-700" : "text-zinc-800"}>
                {tDispatcher(`states.${account.dispatchState}`)}
              </span>
            </span>
          ) : (
            <span className="block text-zinc-500">{t("notPolled")}</span>
          )}
          {status.failure && account.standing !== "removed" && (
            <span className="block text-xs text-red-700" title={status.lastError ?? undefined} data-error-code={status.failure}>
              {tMailboxes(`failures.${status.failure}.title`)}
              {status.lastErrorAt && (
                <>
                  {" · "}
                  {tMailboxes("failingSince", {
                    since: format.dateTime(status.lastErrorAt, "dateTime"),
                  })}
                </>
              )}
            </span>
          )}
          <span className="block text-xs text-zinc-500" data-dispatcher-active={division.dispatcherActive}>
            {division.dispatcherActive ? t("dispatcherOn") : t("dispatcherOff")}
          </span>
        </span>
        <span className="min-w-0 space-y-0.5 text-xs text-zinc-600 lg:col-span-2">
          <span className="block">
            {t("lastPoll")} {status.lastPollAt ? when(status.lastPollAt) : tDispatcher("never")}
          </span>
          <span className="block">
            {t("nextPoll")}{" "}
            {!scheduled
              ? "—"
              : status.polling
                ? tDispatcher("pollingNow")
                : status.nextPollAt && status.nextPollAt > now
                  ? when(status.nextPollAt)
                  : tDispatcher("dueNow")}
          </span>
        </span>
      </Link>
    </li>
  );
}
