import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { getMailbox, listOwnershipChoices, viewOf } from "@/lib/mailboxes/mailboxes";
import { isConnectResult, mailboxConnection, offeredProviders } from "@/lib/mailboxes/oauth-connection";
import { removalImpact } from "@/lib/mailboxes/removal";
import { replacedMailboxIds } from "@/lib/mailboxes/replacement";
import { Link } from "@/lib/i18n/navigation";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";
import {
  connectMailboxAction,
  createMailboxFolderAction,
  loadMailboxFoldersAction,
  removeMailboxAction,
  testMailboxConnectionAction,
  updateMailboxAction,
} from "../actions";
import { MailboxRemoval } from "../mailbox-removal";
import { mailboxFormValues } from "../form-values";
import { ConnectResultBanner } from "../connect-result-banner";
import { MailboxForm } from "../mailbox-form";
import { OAuthSignIn } from "../mailbox-oauth";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string; mailboxId: string }>;
  /** `oauth`: how a "Connect with …" came out, set by the provider's callback (app/api/oauth/callback). */
  searchParams: Promise<{ oauth?: string | string[] }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "mailboxes" });
  return { title: t("title") };
}

export default async function MailboxPage({ params, searchParams }: Props) {
  const { locale, tenant, divisionId, mailboxId } = await params;
  const { oauth: connectResult } = await searchParams;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const admin = canManageMailSettings(ctx.role);
  const { division, mailbox, connection, impact, replaced, ownershipChoices } = await readOrNotFound(
    run,
    [divisionId, mailboxId],
    async (tx) => {
      const scope = scopeOf(ctx);
      const row = await getMailbox(tx, scope, mailboxId);
      // Only the view leaves this function: no sealed password or token reaches the page.
      return {
        division: await getDivision(tx, scope, divisionId),
        mailbox: viewOf(row),
        connection: await mailboxConnection(tx, scope, row),
        impact: admin && !row.removedAt ? await removalImpact(tx, scope, row.id) : null,
        replaced: !row.active && (await replacedMailboxIds(tx, scope)).has(row.id),
        ownershipChoices: await listOwnershipChoices(tx, scope, row.divisionId),
      };
    },
  );
  if (mailbox.divisionId !== division.id) notFound();
  const t = await getTranslations("mailboxes");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const listHref = `/${slug}/settings/divisions/${division.id}/mailboxes`;
  const providers = offeredProviders(process.env);
  const header = (
    <PageHeader
      eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="mailboxes" current={mailbox.name} />}
      title={
        <span className="flex flex-wrap items-center gap-3">
          {mailbox.name}
          <Badge tone="neutral">{mailbox.address}</Badge>
          {mailbox.removedAt ? (
            <Badge tone="amber">{t("states.removed")}</Badge>
          ) : replaced ? (
            <Badge tone="neutral">{t("states.replaced")}</Badge>
          ) : null}
        </span>
      }
      description={t("edit.description", { division: division.name })}
      actions={
        admin &&
        !mailbox.removedAt &&
        mailbox.protocol === "pop3" &&
        !replaced && (
          <Link href={`${listHref}/new?replaces=${mailbox.id}`} className={buttonClasses("secondary")} data-testid="replace-with-imap">
            <Icon name="refresh" className="size-4.5 text-zinc-500" />
            {t("replace.button")}
          </Link>
        )
      }
    />
  );

  // A removed mailbox is kept for its tickets' sake only: nothing of it can be changed any more.
  if (mailbox.removedAt) {
    return (
      <>
        {header}
        <p role="status" data-testid="mailbox-removed" className="rounded-xl bg-zinc-50 px-5 py-4 text-sm text-zinc-700 ring-1 ring-zinc-200 ring-inset">
          {t("remove.removedOn", { date: format.dateTime(mailbox.removedAt, "dateTime") })}
        </p>
      </>
    );
  }

  return (
    <>
      {header}
      {replaced && (
        <p role="status" data-testid="mailbox-replaced" className="mb-6 rounded-xl bg-zinc-50 px-5 py-4 text-sm text-zinc-700 ring-1 ring-zinc-200 ring-inset">
          {t("replace.replacedNotice")}
        </p>
      )}
      {isConnectResult(connectResult) && <ConnectResultBanner result={connectResult} />}
      <MailboxForm
        divisionId={division.id}
        mailboxId={mailbox.id}
        initial={mailboxFormValues(mailbox)}
        hasPassword={mailbox.hasPassword}
        hasSmtpPassword={mailbox.hasSmtpPassword}
        protocolLockedSince={
          mailbox.protocolLocked && mailbox.firstDownloadAt
            ? format.dateTime(mailbox.firstDownloadAt, "date")
            : null
        }
        canEdit={admin}
        saveAction={updateMailboxAction.bind(null, slug)}
        testAction={testMailboxConnectionAction.bind(null, slug)}
        foldersAction={loadMailboxFoldersAction.bind(null, slug)}
        createFolderAction={createMailboxFolderAction.bind(null, slug)}
        listHref={listHref}
        signsInWithAccount={mailbox.authKind === "oauth2"}
        ownershipChoices={ownershipChoices}
        oauth={
          (providers.length > 0 || connection) && (
            <OAuthSignIn
              mailboxId={mailbox.id}
              divisionId={division.id}
              locale={locale}
              providers={providers}
              connection={
                connection && {
                  providerName:
                    providers.find((provider) => provider.id === connection.provider)?.name ??
                    t(`oauth.providerNames.${connection.provider}`),
                  account: connection.account,
                  connectedOn: connection.connectedAt && format.dateTime(connection.connectedAt, "date"),
                  connectedBy: connection.connectedBy,
                  awaitingConnect: connection.awaitingConnect,
                  needsReconnect: connection.needsReconnect,
                  mayReconnect: connection.mayReconnect,
                }
              }
              connectAction={connectMailboxAction.bind(null, slug)}
            />
          )
        }
      />
      {impact && (
        <div className="mt-8">
          <MailboxRemoval
            mailboxId={mailbox.id}
            address={mailbox.address}
            impact={impact}
            listHref={listHref}
            action={removeMailboxAction.bind(null, slug)}
          />
        </div>
      )}
    </>
  );
}
