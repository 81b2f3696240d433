import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge, StatusDot } from "@/app/_components/badge";
import { Icon } from "@/app/_components/icons";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { connectionFailureOf } from "@/lib/mail/connection-error";
import { listMailboxes, viewOf } from "@/lib/mailboxes/mailboxes";
import { replacedMailboxIds } from "@/lib/mailboxes/replacement";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../read-or-not-found";
import { ItemListPage, ItemRowLink } from "../item-list";
import { setDefaultMailboxAction } from "./actions";
import { SetDefaultButton } from "./set-default-button";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "mailboxes" });
  return { title: t("title") };
}

export default async function MailboxesPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, mailboxes, replaced } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    const division = await getDivision(tx, scope, divisionId);
    // Only the view leaves this function: no sealed password reaches the page.
    const mailboxes = (await listMailboxes(tx, scope, divisionId)).map(viewOf);
    return { division, mailboxes, replaced: await replacedMailboxIds(tx, scope) };
  });
  const admin = canManageMailSettings(ctx.role);
  const t = await getTranslations("mailboxes");
  const format = await getFormatter();
  const now = new Date();
  const listHref = `/${ctx.tenant.slug}/settings/divisions/${division.id}/mailboxes`;

  return (
    <ItemListPage
      tenant={ctx.tenant.slug}
      division={division}
      section="mailboxes"
      icon="envelope"
      count={mailboxes.length}
      canAdd={admin}
      columns={[
        { label: t("columns.mailbox"), span: "col-span-4" },
        { label: t("columns.server"), span: "col-span-3" },
        { label: t("columns.status"), span: "col-span-5" },
      ]}
    >
      {mailboxes.map((mailbox) => (
        <li key={mailbox.id} data-mailbox={mailbox.address} data-default={mailbox.isDefault}>
          <ItemRowLink href={`${listHref}/${mailbox.id}`}>
            <span className="flex min-w-0 items-center gap-3 md:col-span-4">
              <span className="grid size-9 shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-600">
                <Icon name="envelope" className="size-4.5" />
              </span>
              <span className="min-w-0">
                <span className="flex items-center gap-2">
                  <span className="truncate text-sm font-medium text-zinc-900 group-hover:text-brand-700">{mailbox.name}</span>
                  {mailbox.isDefault && <Badge tone="brand">{t("default")}</Badge>}
                </span>
                <span className="block truncate text-sm text-zinc-500">{mailbox.address}</span>
              </span>
            </span>
            <span className="min-w-0 text-sm md:col-span-3">
              <span className="flex items-center gap-2">
                <Badge tone="neutral">{t(`protocols.${mailbox.protocol}`)}</Badge>
                <span className="truncate font-mono text-xs text-zinc-600">
                  {mailbox.host}:{mailbox.port}
                </span>
              </span>
              <span className="mt-0.5 block text-xs text-zinc-500">{t(`securities.${mailbox.security}`)}</span>
            </span>
            <span className="flex min-w-0 items-start justify-between gap-3 md:col-span-5">
              <span className="min-w-0 space-y-1">
                <StatusDot on={mailbox.active}>
                  {mailbox.active ? t("active") : replaced.has(mailbox.id) ? t("states.replaced") : t("inactive")}
                </StatusDot>
                <span
                  className="block text-xs text-zinc-500"
                  title={mailbox.lastPollAt ? format.dateTime(mailbox.lastPollAt, "dateTime") : undefined}
                >
                  {mailbox.lastPollAt
                    ? t("lastPoll", { when: format.relativeTime(mailbox.lastPollAt, now) })
                    : t("neverPolled")}
                </span>
                {mailbox.lastErrorCode && (
                  <span className="block text-xs text-red-700" title={mailbox.lastError ?? undefined}>
                    <span className="font-medium">{t(`failures.${connectionFailureOf(mailbox.lastErrorCode)}.title`)}</span>
                    {mailbox.lastErrorAt && (
                      <>
                        {" · "}
                        {t("failingSince", {
                          since: format.dateTime(mailbox.lastErrorAt, "dateTime"),
                        })}
                      </>
                    )}
                  </span>
                )}
              </span>
              <Icon name="chevronRight" className="hidden size-5 shrink-0 text-zinc-300 group-hover:text-brand-500 md:block" />
            </span>
          </ItemRowLink>
          {/* Beside the row's link, not in it: a button inside a link is neither. */}
          {admin && !mailbox.isDefault && mailbox.active && (
            <div className="-mt-2 px-5 pb-3 sm:px-6">
              <SetDefaultButton mailboxId={mailbox.id} action={setDefaultMailboxAction.bind(null, ctx.tenant.slug)} />
            </div>
          )}
        </li>
      ))}
    </ItemListPage>
  );
}
