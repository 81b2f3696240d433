import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge, StatusDot } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { BACKOFF } from "@/lib/dispatch/backoff";
import { dispatchStateOf, divisionDispatchStatus, failingState } from "@/lib/dispatch/status";
import { DispatchStateDot } from "./dispatch-state-dot";
import { Link } from "@/lib/i18n/navigation";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../read-or-not-found";
import { AdminsOnlyNote } from "../admins-only-note";
import { DivisionSectionBreadcrumb } from "../division-section-breadcrumb";
import { forceSchedulerAction, setDispatcherActiveAction } from "./actions";
import { DispatcherSwitch, ForceSchedulerButton, RefreshEvery } from "./dispatcher-controls";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

const REFRESH_SECONDS = 10;

/** The retry rules the failure notes quote, in minutes. */
const RETRY_MINUTES = { backoff: BACKOFF.maxMs / 60_000, authFailed: BACKOFF.loginFailedMinMs / 60_000 };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "dispatcher" });
  return { title: t("title") };
}

/**
 * A division's dispatcher: on or off, Force Scheduler, and for each mailbox the last and next check,
 * the mail it brought in today, whether IDLE listens on it, and a failure in plain words with what to
 * do about it. Administrators change it; agents watch it. It reloads itself every few seconds.
 */
export default async function DispatcherPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const now = new Date();
  const { division, mailboxes } = await readOrNotFound(run, [divisionId], (tx) =>
    divisionDispatchStatus(tx, scopeOf(ctx), { divisionId, now }),
  );
  const t = await getTranslations("dispatcher");
  const tMailboxes = await getTranslations("mailboxes");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const admin = canManageMailSettings(ctx.role);
  const divisionHref = `/${slug}/settings/divisions/${division.id}`;
  const needAttention = mailboxes.filter((mailbox) => mailbox.active && failingState(mailbox)).length;
  const when = (date: Date) => (
    <time dateTime={date.toISOString()} title={format.dateTime(date, "dateTime")}>
      {format.relativeTime(date, now)}
    </time>
  );

  return (
    <>
      <RefreshEvery seconds={REFRESH_SECONDS} />
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="dispatcher" />}
        title={
          <span className="flex flex-wrap items-center gap-3">
            {t("title")}
            <span data-testid="dispatcher-state" data-active={division.dispatcherActive}>
              <StatusDot on={division.dispatcherActive}>{division.dispatcherActive ? t("on") : t("off")}</StatusDot>
            </span>
          </span>
        }
        description={t("description", { division: division.name })}
        actions={
          admin && (
            <DispatcherSwitch
              divisionId={division.id}
              active={division.dispatcherActive}
              action={setDispatcherActiveAction.bind(null, slug)}
            />
          )
        }
      />

      <div className="space-y-6">
        {!division.dispatcherActive && (
          <div
            role="alert"
            data-testid="dispatcher-off"
            className="flex items-start gap-3 rounded-xl bg-amber-50 px-5 py-4 text-amber-900 ring-1 ring-amber-300 ring-inset"
          >
            <Icon name="alert" className="mt-0.5 size-6 shrink-0 text-amber-600" />
            <div className="min-w-0 space-y-1">
              <p className="font-semibold">{t("offNotice.title")}</p>
              <p className="text-sm">{admin ? t("offNotice.body") : t("offNotice.bodyReadOnly")}</p>
            </div>
          </div>
        )}

        {admin ? (
          <Card>
            <div className="space-y-2 px-5 py-4 sm:px-6">
              <ForceSchedulerButton
                divisionId={division.id}
                disabled={!division.dispatcherActive}
                action={forceSchedulerAction.bind(null, slug)}
              />
              <p className="max-w-2xl text-xs leading-5 text-zinc-500">
                {division.dispatcherActive ? t("forceHelp") : t("forceOff")}
              </p>
            </div>
          </Card>
        ) : (
          <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>
        )}

        {mailboxes.length === 0 ? (
          <EmptyState icon="envelope" title={t("emptyTitle")} description={admin ? t("emptyDescription") : t("emptyDescriptionReadOnly")}>
            <Link href={`${divisionHref}/mailboxes`} className={buttonClasses("secondary")}>
              <Icon name="envelope" className="size-4.5 text-zinc-500" />
              {tMailboxes("title")}
            </Link>
          </EmptyState>
        ) : (
          <Card>
            <CardHeader
              title={t("mailboxesTitle")}
              description={
                <>
                  {t("interval", { minutes: division.pollIntervalMinutes })}
                  {needAttention > 0 && (
                    <span className="font-medium text-red-700" data-testid="dispatcher-attention">
                      {" · "}
                      {t("attention", { count: needAttention })}
                    </span>
                  )}
                </>
              }
              actions={
                <span className="flex items-center gap-1.5 text-xs text-zinc-500">
                  <Icon name="refresh" className="size-3.5" />
                  {t("autoRefresh", { seconds: REFRESH_SECONDS })}
                </span>
              }
            />
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="dispatcher-table">
                <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs text-zinc-500">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium sm:pl-6">{t("columns.mailbox")}</th>
                    <th scope="col" className="px-3 py-2 font-medium">{t("columns.lastPoll")}</th>
                    <th scope="col" className="px-3 py-2 font-medium">{t("columns.nextPoll")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium" title={t("todayHelp")}>
                      {t("columns.today")}
                    </th>
                    <th scope="col" className="px-5 py-2 font-medium sm:pr-6">{t("columns.idle")}</th>
                  </tr>
                </thead>
                {mailboxes.map((mailbox) => {
                  const state = dispatchStateOf(mailbox, division.dispatcherActive);
                  const failing = failingState(mailbox);
                  const failure = mailbox.failure ?? "protocolError";
                  const scheduled = mailbox.active && division.dispatcherActive;
                  return (
                    <tbody
                      key={mailbox.id}
                      data-mailbox={mailbox.address}
                      data-state={state}
                      data-connection-state={mailbox.connectionState}
                      className="border-b border-zinc-100 last:border-b-0"
                    >
                      <tr className="align-top">
                        <td className="max-w-0 min-w-64 px-5 py-3 sm:pl-6">
                          <p className="flex items-center gap-2.5">
                            <DispatchStateDot state={state} />
                            <span className="truncate font-medium text-zinc-900">{mailbox.address}</span>
                          </p>
                          <p className="mt-0.5 truncate pl-[18px] text-xs text-zinc-500">
                            <span data-state-label className={failing && state === failing ? "font-medium text-red-700" : undefined}>
                              {t(`states.${state}`)}
                            </span>
                            {" · "}
                            {mailbox.name} · {tMailboxes(`protocols.${mailbox.protocol}`)}
                          </p>
                        </td>
                        <td className="px-3 py-3 whitespace-nowrap text-zinc-600">
                          {mailbox.lastPollAt ? when(mailbox.lastPollAt) : t("never")}
                        </td>
                        <td className="px-3 py-3 whitespace-nowrap text-zinc-600">
                          {!scheduled || mailbox.awaitingConnect
                            ? "—"
                            : mailbox.polling
                              ? t("pollingNow")
                              : mailbox.nextPollAt && mailbox.nextPollAt > now
                                ? when(mailbox.nextPollAt)
                                : t("dueNow")}
                        </td>
                        <td className="px-3 py-3 text-right text-zinc-900 tabular-nums" data-ingested-today={mailbox.ingestedToday}>
                          {format.number(mailbox.ingestedToday)}
                        </td>
                        <td className="px-5 py-3 whitespace-nowrap sm:pr-6" data-idle={mailbox.idle}>
                          {mailbox.idle ? (
                            <Badge tone="green">
                              <Icon name="signal" className="size-3.5" />
                              {t("idleOn")}
                            </Badge>
                          ) : (
                            <Badge tone="neutral">{t("idleOff")}</Badge>
                          )}
                        </td>
                      </tr>
                      {failing && (
                        <tr>
                          <td colSpan={5} className="px-5 pb-4 sm:px-6">
                            <div
                              role="alert"
                              data-connection-state={failing}
                              data-error-code={failing === "needsReconnect" ? undefined : failure}
                              className="rounded-lg bg-red-50/70 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200 ring-inset"
                            >
                              <p className="flex flex-wrap items-center gap-x-2 gap-y-1 font-semibold">
                                <Icon name="xCircle" className="size-5 shrink-0 text-red-600" />
                                {failing === "needsReconnect"
                                  ? t("needsReconnect.title")
                                  : tMailboxes(`failures.${failure}.title`)}
                                <span className="text-xs font-normal text-red-800">
                                  {mailbox.lastErrorAt &&
                                    t("failingSince", {
                                      since: format.dateTime(mailbox.lastErrorAt, "dateTime"),
                                    })}
                                  {mailbox.lastErrorAt && " · "}
                                  {t("failureCount", { count: mailbox.failureCount })}
                                </span>
                              </p>
                              <p className="mt-1 pl-7 leading-6">
                                {failing === "needsReconnect"
                                  ? t("needsReconnect.hint")
                                  : tMailboxes(`failures.${failure}.hint`, {
                                      host: mailbox.host,
                                      // As typed: a number placeholder would be grouped ("1,143").
                                      port: String(mailbox.port),
                                      seconds: Math.round(mailbox.connectTimeoutMs / 1000),
                                      protocol: tMailboxes(`protocols.${mailbox.protocol}`),
                                    })}
                              </p>
                              {failing !== "needsReconnect" && (
                                <p className="mt-1 pl-7 text-xs text-red-800" data-retry-note>
                                  {t(`retry.${failing}`, { minutes: RETRY_MINUTES[failing] })}
                                </p>
                              )}
                              {mailbox.lastError && (
                                <p className="mt-1 pl-7 font-mono text-xs break-words text-red-800/80">
                                  {t("detail", { detail: mailbox.lastError })}
                                </p>
                              )}
                              {admin && (
                                <p className="mt-2 pl-7">
                                  <Link
                                    href={`${divisionHref}/mailboxes/${mailbox.id}`}
                                    className="text-xs font-medium underline underline-offset-2 hover:no-underline"
                                  >
                                    {t("fixSettings")}
                                  </Link>
                                </p>
                              )}
                            </div>
                          </td>
                        </tr>
                      )}
                      {mailbox.leftFlagged > 0 && (
                        <tr>
                          <td colSpan={5} className="px-5 pb-4 sm:px-6">
                            <div
                              role="status"
                              data-left-flagged={mailbox.leftFlagged}
                              className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-300 ring-inset"
                            >
                              <p className="flex items-center gap-2 font-semibold">
                                <Icon name="alert" className="size-5 shrink-0 text-amber-600" />
                                {t("leftFlagged.title", { count: mailbox.leftFlagged, folder: mailbox.folder })}
                              </p>
                              <p className="mt-1 pl-7 leading-6">{t("leftFlagged.hint", { folder: mailbox.folder })}</p>
                            </div>
                          </td>
                        </tr>
                      )}
                    </tbody>
                  );
                })}
              </table>
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
