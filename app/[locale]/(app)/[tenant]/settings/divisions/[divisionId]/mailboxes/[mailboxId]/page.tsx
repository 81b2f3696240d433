import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/badge";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { getMailbox, viewOf } from "@/lib/mailboxes/mailboxes";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";
import {
  createMailboxFolderAction,
  loadMailboxFoldersAction,
  testMailboxConnectionAction,
  updateMailboxAction,
} from "../actions";
import { mailboxFormValues } from "../form-values";
import { MailboxForm } from "../mailbox-form";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string; mailboxId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "mailboxes" });
  return { title: t("title") };
}

export default async function MailboxPage({ params }: Props) {
  const { locale, tenant, divisionId, mailboxId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, mailbox } = await readOrNotFound(run, [divisionId, mailboxId], async (tx) => {
    const scope = scopeOf(ctx);
    // Only the view leaves this function: no sealed password reaches the page.
    return { division: await getDivision(tx, scope, divisionId), mailbox: viewOf(await getMailbox(tx, scope, mailboxId)) };
  });
  if (mailbox.divisionId !== division.id) notFound();
  const t = await getTranslations("mailboxes");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const listHref = `/${slug}/settings/divisions/${division.id}/mailboxes`;

  return (
    <>
      <PageHeader
        eyebrow={
          <DivisionSectionBreadcrumb tenant={slug} division={division} section="mailboxes" current={mailbox.name} />
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {mailbox.name}
            <Badge tone="neutral">{mailbox.address}</Badge>
          </span>
        }
        description={t("edit.description", { division: division.name })}
      />
      <MailboxForm
        divisionId={division.id}
        mailboxId={mailbox.id}
        initial={mailboxFormValues(mailbox)}
        hasPassword={mailbox.hasPassword}
        hasSmtpPassword={mailbox.hasSmtpPassword}
        protocolLockedSince={
          mailbox.protocolLocked && mailbox.firstDownloadAt
            ? format.dateTime(mailbox.firstDownloadAt, { dateStyle: "long" })
            : null
        }
        canEdit={canManageMailSettings(ctx.role)}
        saveAction={updateMailboxAction.bind(null, slug)}
        testAction={testMailboxConnectionAction.bind(null, slug)}
        foldersAction={loadMailboxFoldersAction.bind(null, slug)}
        createFolderAction={createMailboxFolderAction.bind(null, slug)}
        listHref={listHref}
      />
    </>
  );
}
