import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { type OutboxStatus, outboxStatusEnum } from "@/db/schema";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { listOutbox, outboxCounts } from "@/lib/outbox/admin";
import { scopeOf } from "@/lib/auth/context";
import { sendErrorOf } from "../../../../outbox-errors";
import { readOrNotFound } from "../../../../read-or-not-found";
import { AdminsOnlyNote } from "../admins-only-note";
import { DivisionSectionBreadcrumb } from "../division-section-breadcrumb";
import { clearErrorsAction, resetSendingAction } from "./actions";
import { OutboxButton } from "./outbox-button";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
  searchParams?: Promise<{ status?: string | string[] }>;
}

/** The newest this many rows are listed. */
const OUTBOX_PAGE_SIZE = 200;

const statusStyles: Record<OutboxStatus, { tone: "neutral" | "brand" | "green" | "amber"; icon: "clock" | "refresh" | "checkCircle" | "alert" }> = {
  ready: { tone: "brand", icon: "clock" },
  sending: { tone: "amber", icon: "refresh" },
  sent: { tone: "green", icon: "checkCircle" },
  error: { tone: "amber", icon: "alert" },
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "outbox" });
  return { title: t("title") };
}

/**
 * A division's outbox: how many mails are in each state, a warning while sending is off, and each
 * mail with its attempts and, when it failed, why in plain words. Administrators can send stuck or
 * failed mail again; agents see the same list read-only.
 */
export default async function OutboxPage({ params, searchParams }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const requested = (await searchParams)?.status;
  const status = outboxStatusEnum.enumValues.find((s) => s === (Array.isArray(requested) ? requested[0] : requested));
  const { division, counts, rows } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    return {
      division: await getDivision(tx, scope, divisionId),
      counts: await outboxCounts(tx, scope, divisionId),
      rows: await listOutbox(tx, scope, { divisionId, status, limit: OUTBOX_PAGE_SIZE }),
    };
  });
  const t = await getTranslations("outbox");
  const format = await getFormatter();
  const now = new Date();
  const slug = ctx.tenant.slug;
  const admin = canManageMailSettings(ctx.role);
  const divisionHref = `/${slug}/settings/divisions/${division.id}`;
  const listHref = `${divisionHref}/outbox`;
  const total = outboxStatusEnum.enumValues.reduce((sum, s) => sum + counts[s], 0);
  const resetSending = resetSendingAction.bind(null, slug);
  const clearErrors = clearErrorsAction.bind(null, slug);

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="outbox" />}
        title={t("title")}
        description={t("description", { division: division.name })}
      />

      <div className="space-y-6">
        {!division.sendingEnabled && (
          <div
            role="alert"
            data-testid="sending-off"
            className="flex items-start gap-3 rounded-xl bg-amber-50 px-5 py-4 text-amber-900 ring-1 ring-amber-300 ring-inset"
          >
            <Icon name="alert" className="mt-0.5 size-6 shrink-0 text-amber-600" />
            <div className="min-w-0 space-y-1">
              <p className="font-semibold">{t("sendingOff.title")}</p>
              <p className="text-sm">{t("sendingOff.body", { count: counts.ready })}</p>
              <Link href={`${divisionHref}#sendingEnabled`} className="inline-block text-sm font-medium underline underline-offset-2 hover:no-underline">
                {admin ? t("sendingOff.link") : t("sendingOff.linkReadOnly")}
              </Link>
            </div>
          </div>
        )}

        <nav aria-label={t("filter")}>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-5">
            {[undefined, ...outboxStatusEnum.enumValues].map((s) => {
              const current = s === status;
              return (
                <li key={s ?? "all"}>
                  <Link
                    href={s ? `${listHref}?status=${s}` : listHref}
                    aria-current={current ? "page" : undefined}
                    data-outbox-count={s ?? "all"}
                    className={`block rounded-xl border bg-white px-4 py-3 shadow-xs transition-colors ${
                      current ? "border-brand-500 ring-2 ring-brand-500/20" : "border-zinc-200 hover:border-zinc-300"
                    }`}
                  >
                    <span className="block text-xs font-medium text-zinc-500">{s ? t(`statuses.${s}`) : t("all")}</span>
                    <span
                      className={`mt-1 block text-2xl font-semibold tabular-nums ${
                        s === "error" && counts.error > 0 ? "text-red-700" : "text-zinc-900"
                      }`}
                    >
                      {s ? counts[s] : total}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>

        {admin ? (
          <Card>
            <div className="grid gap-4 px-5 py-4 sm:grid-cols-2 sm:px-6">
              <div className="space-y-2">
                <OutboxButton kind="resetSending" divisionId={division.id} disabled={counts.sending === 0} action={resetSending} />
                <p className="text-xs leading-5 text-zinc-500">{t("resetSendingHelp")}</p>
              </div>
              <div className="space-y-2">
                <OutboxButton kind="clearErrors" divisionId={division.id} disabled={counts.error === 0} action={clearErrors} />
                <p className="text-xs leading-5 text-zinc-500">{t("clearErrorsHelp")}</p>
              </div>
            </div>
          </Card>
        ) : (
          <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>
        )}

        {rows.length === 0 ? (
          <EmptyState icon="envelope" title={t("emptyTitle")} description={t("emptyDescription")} />
        ) : (
          <Card>
            <CardHeader
              title={status ? t(`statuses.${status}`) : t("listTitle")}
              description={t("count", { count: status ? counts[status] : total })}
              actions={
                <span className="flex items-center gap-2">
                  {rows.length >= OUTBOX_PAGE_SIZE && <span className="text-sm text-zinc-500">{t("newestShown", { shown: rows.length })}</span>}
                  {!admin && <Badge tone="neutral">{t("readOnly")}</Badge>}
                </span>
              }
            />
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="outbox-table">
                <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs text-zinc-500">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium sm:pl-6">{t("columns.email")}</th>
                    <th scope="col" className="px-3 py-2 font-medium">{t("columns.status")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">{t("columns.attempts")}</th>
                    <th scope="col" className="px-3 py-2 font-medium">{t("columns.nextAttempt")}</th>
                    {admin && (
                      <th scope="col" className="px-5 py-2 sm:pr-6">
                        <span className="sr-only">{t("columns.actions")}</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {rows.map((row) => {
                    const error = row.lastErrorCode ? sendErrorOf(row.lastErrorCode) : null;
                    const style = statusStyles[row.status];
                    return (
                      <tr key={row.id} data-outbox-row={row.id} data-status={row.status} data-kind={row.kind} className="align-top">
                        <td className="max-w-0 min-w-72 px-5 py-3 sm:pl-6">
                          <p className="flex items-center gap-2">
                            <Badge tone="neutral">{t(`kinds.${row.kind}`)}</Badge>
                            <span className="truncate text-zinc-500">
                              {t("to", { recipients: row.toAddresses.map((a) => a.address).join(", ") })}
                            </span>
                          </p>
                          <p className="mt-1 truncate font-medium text-zinc-900">
                            {row.ticketId ? (
                              <Link href={`/${slug}/tickets/${row.ticketId}`} className="hover:text-brand-700 hover:underline">
                                {row.subject || t("noSubject")}
                              </Link>
                            ) : (
                              row.subject || t("noSubject")
                            )}
                          </p>
                          {error && row.status !== "sent" && (
                            <div className="mt-2 rounded-lg bg-red-50/70 px-3 py-2 text-xs text-red-900 ring-1 ring-red-200 ring-inset" data-error-code={error}>
                              <p className="font-semibold">{t(`errors.${error}.title`)}</p>
                              <p className="mt-0.5 leading-5">{t(`errors.${error}.hint`)}</p>
                              {row.lastError && (
                                <p className="mt-1 font-mono break-words text-red-800/80">
                                  {t("detail", { detail: row.lastError })}
                                </p>
                              )}
                            </div>
                          )}
                        </td>
                        <td className="px-3 py-3 whitespace-nowrap">
                          <Badge tone={style.tone}>
                            <Icon name={style.icon} className={`size-3.5 ${row.status === "error" ? "text-red-600" : ""}`} />
                            {t(`statuses.${row.status}`)}
                          </Badge>
                          {row.status === "ready" && !division.sendingEnabled && (
                            <span className="mt-1 block text-xs text-amber-700">{t("held")}</span>
                          )}
                        </td>
                        <td className="px-3 py-3 text-right text-zinc-600 tabular-nums">{row.attempts}</td>
                        <td className="px-3 py-3 text-xs whitespace-nowrap text-zinc-500">
                          {row.status === "sent" && row.sentAt ? (
                            <time dateTime={row.sentAt.toISOString()} title={format.dateTime(row.sentAt, "dateTime")}>
                              {t("sentAt", { when: format.relativeTime(row.sentAt, now) })}
                            </time>
                          ) : row.status === "ready" && division.sendingEnabled ? (
                            <time dateTime={row.nextAttemptAt.toISOString()} title={format.dateTime(row.nextAttemptAt, "dateTime")}>
                              {row.nextAttemptAt > now ? format.relativeTime(row.nextAttemptAt, now) : t("now")}
                            </time>
                          ) : (
                            "—"
                          )}
                        </td>
                        {admin && (
                          <td className="px-5 py-2 text-right sm:pr-6">
                            {row.status === "sending" && (
                              <OutboxButton kind="resetSending" divisionId={division.id} id={row.id} action={resetSending} />
                            )}
                            {row.status === "error" && (
                              <OutboxButton kind="clearErrors" divisionId={division.id} id={row.id} action={clearErrors} />
                            )}
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
