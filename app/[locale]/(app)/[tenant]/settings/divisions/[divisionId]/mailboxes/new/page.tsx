import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { listOwnershipChoices } from "@/lib/mailboxes/mailboxes";
import { offeredProviders } from "@/lib/mailboxes/oauth-connection";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";
import {
  connectNewMailboxAction,
  createMailboxAction,
  createMailboxFolderAction,
  loadMailboxFoldersAction,
  testMailboxConnectionAction,
} from "../actions";
import { newMailboxValues } from "../form-values";
import { MailboxForm } from "../mailbox-form";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "mailboxes.new" });
  return { title: t("title") };
}

export default async function NewMailboxPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, ownershipChoices } = await readOrNotFound(run, [divisionId], async (tx) => ({
    division: await getDivision(tx, scopeOf(ctx), divisionId),
    ownershipChoices: await listOwnershipChoices(tx, scopeOf(ctx), divisionId),
  }));
  const t = await getTranslations("mailboxes");
  const slug = ctx.tenant.slug;
  const listHref = `/${slug}/settings/divisions/${division.id}/mailboxes`;
  const providers = offeredProviders(process.env);

  return (
    <>
      <PageHeader
        eyebrow={
          <DivisionSectionBreadcrumb tenant={slug} division={division} section="mailboxes" current={t("new.title")} />
        }
        title={t("new.title")}
        description={t("new.description", { division: division.name })}
      />
      <MailboxForm
        divisionId={division.id}
        initial={newMailboxValues}
        ownershipChoices={ownershipChoices}
        hasPassword={false}
        hasSmtpPassword={false}
        protocolLockedSince={null}
        canEdit={canManageMailSettings(ctx.role)}
        saveAction={createMailboxAction.bind(null, slug)}
        testAction={testMailboxConnectionAction.bind(null, slug)}
        foldersAction={loadMailboxFoldersAction.bind(null, slug)}
        createFolderAction={createMailboxFolderAction.bind(null, slug)}
        listHref={listHref}
        connectNew={
          providers.length > 0
            ? { providers, locale, connectAction: connectNewMailboxAction.bind(null, slug) }
            : undefined
        }
      />
    </>
  );
}
