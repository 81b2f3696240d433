import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { findDivisionMailbox } from "@/db/queries/mailboxes";
import { listOwnershipChoices, viewOf } from "@/lib/mailboxes/mailboxes";
import { offeredProviders } from "@/lib/mailboxes/oauth-connection";
import { removalImpact } from "@/lib/mailboxes/removal";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";
import {
  connectNewMailboxAction,
  createMailboxAction,
  createMailboxFolderAction,
  loadMailboxFoldersAction,
  replaceMailboxAction,
  testMailboxConnectionAction,
} from "../actions";
import { newMailboxValues, replacementValues } from "../form-values";
import { MailboxForm } from "../mailbox-form";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
  /** `replaces`: "Replace with IMAP…" on a POP3 mailbox's page, the mailbox this one replaces. */
  searchParams: Promise<{ replaces?: string | string[] }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "mailboxes.new" });
  return { title: t("title") };
}

export default async function NewMailboxPage({ params, searchParams }: Props) {
  const { locale, tenant, divisionId } = await params;
  const { replaces } = await searchParams;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const replacesId = typeof replaces === "string" && UUID.test(replaces) ? replaces : null;
  const { division, old, impact, ownershipChoices } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    const division = await getDivision(tx, scope, divisionId);
    const old = replacesId ? await findDivisionMailbox(tx, scope, { divisionId, mailboxId: replacesId }) : null;
    // Only the view leaves this function: no sealed password reaches the page.
    return {
      division,
      old: old && viewOf(old),
      impact: old && (await removalImpact(tx, scope, old.id)),
      ownershipChoices: await listOwnershipChoices(tx, scope, divisionId),
    };
  });
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
        title={old ? t("replace.title", { name: old.name }) : t("new.title")}
        description={old ? t("replace.description", { address: old.address }) : t("new.description", { division: division.name })}
      />
      {old && impact && (
        <div role="status" data-testid="replace-notice" className="mb-6 flex items-start gap-3 rounded-xl bg-brand-50 px-5 py-4 text-sm text-brand-900 ring-1 ring-brand-200 ring-inset">
          <Icon name="info" className="mt-0.5 size-5 shrink-0 text-brand-600" />
          <div className="min-w-0 space-y-1">
            <p>{t("replace.notice", { address: old.address })}</p>
            {impact.isDefault && <p>{t("replace.takesDefault")}</p>}
            {impact.teams.length > 0 && <p>{t("replace.takesTeams", { count: impact.teams.length })}</p>}
          </div>
        </div>
      )}
      <MailboxForm
        divisionId={division.id}
        replacesId={old?.id}
        initial={old ? replacementValues(old) : newMailboxValues}
        ownershipChoices={ownershipChoices}
        hasPassword={false}
        hasSmtpPassword={false}
        protocolLockedSince={null}
        canEdit={canManageMailSettings(ctx.role)}
        saveAction={(old ? replaceMailboxAction : createMailboxAction).bind(null, slug)}
        testAction={testMailboxConnectionAction.bind(null, slug)}
        foldersAction={loadMailboxFoldersAction.bind(null, slug)}
        createFolderAction={createMailboxFolderAction.bind(null, slug)}
        listHref={listHref}
        connectNew={
          providers.length > 0 && !old
            ? { providers, locale, connectAction: connectNewMailboxAction.bind(null, slug) }
            : undefined
        }
      />
    </>
  );
}
