import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import type { Notification } from "@/db/schema";
import { tenantRequest } from "@/lib/auth/request";
import { listDivisions } from "@/lib/divisions/divisions";
import type { UnprocessedReason } from "@/lib/inbound/decide";
import { listNotifications } from "@/lib/notifications/in-app";
import { scopeOf } from "@/lib/auth/context";
import { markAllNotificationsReadAction, markNotificationReadAction } from "./actions";
import { MarkReadButton } from "./mark-read-button";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

/** The reasons an email is set aside unprocessed, and parseFailed for a mail that could not be parsed. */
const UNPROCESSED_REASONS: (UnprocessedReason | "parseFailed")[] = ["tooLarge", "pgpFailed", "processingFailed", "parseFailed"];

function text(data: Notification["data"], key: string): string | null {
  const value = data[key];
  return typeof value === "string" && value.trim() ? value : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "notifications" });
  return { title: t("title") };
}

export default async function NotificationsPage({ params }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const [notifications, divisions] = await run((tx) =>
    Promise.all([listNotifications(tx, scopeOf(ctx)), listDivisions(tx, scopeOf(ctx))]),
  );
  const t = await getTranslations("notifications");
  const format = await getFormatter();
  const now = new Date();
  const slug = ctx.tenant.slug;
  const divisionName = new Map(divisions.map((division) => [division.id, division.name]));
  const unread = notifications.filter((notification) => !notification.readAt).length;

  /** A notification in the reader's language: what happened, the facts around it, what to do. */
  function describe(notification: Notification): { title: string; details: string[]; hint: string | null } {
    if (notification.kind === "outbox.failed") {
      const to = text(notification.data, "to");
      return {
        title: t("outboxFailed.title", { subject: text(notification.data, "subject") ?? t("inboundUnprocessed.noSubject") }),
        details: [...(to ? [t("outboxFailed.to", { to })] : [])],
        hint: t("outboxFailed.hint"),
      };
    }
    if (notification.kind === "mailbox.needsReconnect") {
      const connectedBy = text(notification.data, "connectedBy");
      const division = divisionName.get(text(notification.data, "divisionId") ?? "");
      return {
        title: t("mailboxNeedsReconnect.title", { address: text(notification.data, "address") ?? "" }),
        details: [
          ...(connectedBy ? [t("mailboxNeedsReconnect.connectedBy", { name: connectedBy })] : []),
          ...(division ? [division] : []),
        ],
        hint: t("mailboxNeedsReconnect.hint"),
      };
    }
    if (notification.kind !== "inbound.unprocessed") return { title: t("unknownKind"), details: [], hint: null };
    const code = text(notification.data, "reason");
    const reason = UNPROCESSED_REASONS.find((known) => known === code) ?? "other";
    const from = text(notification.data, "from");
    const division = divisionName.get(text(notification.data, "divisionId") ?? "");
    return {
      title: t("inboundUnprocessed.title", {
        subject: text(notification.data, "subject") ?? t("inboundUnprocessed.noSubject"),
      }),
      details: [
        t("inboundUnprocessed.reason", { reason: t(`unprocessedReasons.${reason}.label`) }),
        ...(from ? [t("inboundUnprocessed.from", { from })] : []),
        ...(division ? [division] : []),
      ],
      hint: t(`unprocessedReasons.${reason}.hint`),
    };
  }

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {notifications.length === 0 ? (
        <EmptyState icon="bell" title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Card>
          <CardHeader
            title={t("listTitle")}
            description={t("unread", { count: unread })}
            actions={unread > 0 && <MarkReadButton action={markAllNotificationsReadAction.bind(null, slug)} />}
          />
          <ul className="divide-y divide-zinc-100">
            {notifications.map((notification) => {
              const isUnread = !notification.readAt;
              const { title, details, hint } = describe(notification);
              const when = format.relativeTime(notification.createdAt, now);
              return (
                <li
                  key={notification.id}
                  data-notification={notification.id}
                  className={`flex gap-4 px-5 py-4 sm:px-6 ${isUnread ? "bg-brand-50/40" : ""}`}
                >
                  <span
                    className={`mt-0.5 grid size-9 shrink-0 place-items-center rounded-lg ${
                      isUnread ? "bg-amber-100 text-amber-700" : "bg-zinc-100 text-zinc-400"
                    }`}
                  >
                    <Icon name="alert" className="size-5" />
                  </span>
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
                      <span className="min-w-0 break-words">{title}</span>
                      {isUnread && <Badge tone="amber">{t("new")}</Badge>}
                    </p>
                    <p className="mt-0.5 text-xs text-zinc-500" title={format.dateTime(notification.createdAt, "dateTime")}>
                      {[...details, when].join(" · ")}
                    </p>
                    {hint && <p className="mt-2 text-sm leading-6 text-zinc-600">{hint}</p>}
                  </div>
                  {isUnread && (
                    <div className="shrink-0">
                      <MarkReadButton
                        notificationId={notification.id}
                        action={markNotificationReadAction.bind(null, slug)}
                      />
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </Card>
      )}
    </>
  );
}
