import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { seeRequestOrigin } from "@/app/_public-address/see-request-origin";
import { appUrl } from "@/lib/app-url";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { helpCenterUrlOf } from "@/lib/knowledge/help-center";
import { Link } from "@/lib/i18n/navigation";
import { isLocale } from "@/lib/i18n/routing";
import {
  DEFAULT_RATE_PER_MINUTE,
  listMassMailings,
  MAX_RATE_PER_MINUTE,
  massMailSender,
  newMassMailDraft,
} from "@/lib/mass-mail/mass-mail";
import { listDivisionContacts } from "@/lib/mass-mail/recipients";
import { massMailBodyPlaceholders } from "@/lib/mass-mail/render";
import { scopeOf } from "@/lib/auth/context";
import { readOrNotFound } from "../../../../read-or-not-found";
import { AdminsOnlyNote } from "../admins-only-note";
import { DivisionSectionBreadcrumb } from "../division-section-breadcrumb";
import { checkMassMailAction, sendMassMailAction } from "./actions";
import { MailingProgress, RefreshWhileSending } from "./mailing-progress";
import { MassMailForm } from "./mass-mail-form";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "massMail" });
  return { title: t("title") };
}

export default async function MassMailPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const admin = canManageMailSettings(ctx.role);
  const { division, mailings, sender, draft, contacts, helpCenterUrl } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    const division = await getDivision(tx, scope, divisionId);
    const mailings = await listMassMailings(tx, scope, divisionId);
    const sender = await massMailSender(tx, scope, division);
    // Only those who may send see the contacts and the draft.
    const draft = admin ? await newMassMailDraft(tx, scope, divisionId) : null;
    // Role addresses too, flagged: the form leaves them out until the user includes them.
    const contacts = admin ? await listDivisionContacts(tx, scope, { divisionId, includeRoleAddresses: true }) : [];
    const helpCenterUrl = await helpCenterUrlOf(tx, scope, division);
    return { division, mailings, sender, draft, contacts, helpCenterUrl };
  });
  // The preview's unsubscribe link: the layout renders beside the page, so see the origin here too
  // (once the division is known to be the member's: a page not found reads no request).
  await seeRequestOrigin();
  const t = await getTranslations("massMail");
  const tLanguage = await getTranslations("language");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const divisionHref = `/${slug}/settings/divisions/${division.id}`;
  const waiting = mailings.some((mailing) => mailing.counts.ready + mailing.counts.sending > 0);

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="massMail" />}
        title={t("title")}
        description={t("description", { division: division.name })}
      />
      <div className="space-y-6">
        {!admin && <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>}
        {!division.sendingEnabled && (
          <p role="note" className="flex items-start gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
            <Icon name="info" className="mt-px size-5 shrink-0 text-amber-600" />
            {t("sendingOff")}
          </p>
        )}

        {admin && !sender && (
          <p role="note" className="flex flex-wrap items-center gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
            <Icon name="alert" className="size-5 shrink-0 text-amber-600" />
            <span className="flex-1">{t("noSender")}</span>
            <Link href={`${divisionHref}/mailboxes`} className={buttonClasses("secondary", "sm")}>
              {t("addMailbox")}
            </Link>
          </p>
        )}

        {admin && sender && draft && (
          <Card>
            <section aria-labelledby="mass-mail-new">
              <CardHeader
                id="mass-mail-new"
                title={t("new.title")}
                description={t("new.description", {
                  language: isLocale(division.language) ? tLanguage(`name.${division.language}`) : division.language,
                })}
                actions={
                  <Badge tone="neutral">
                    <Icon name="envelope" className="size-3.5" />
                    {t("from", { address: sender.address })}
                  </Badge>
                }
              />
              <MassMailForm
                divisionId={division.id}
                division={{ name: division.name, tag: division.tag, helpCenterUrl }}
                sender={{ address: sender.address, name: sender.name }}
                draft={draft}
                contacts={contacts}
                placeholders={[...massMailBodyPlaceholders]}
                unsubscribeBase={appUrl("/unsubscribe/")}
                defaultRate={DEFAULT_RATE_PER_MINUTE}
                maxRate={MAX_RATE_PER_MINUTE}
                check={checkMassMailAction.bind(null, slug)}
                send={sendMassMailAction.bind(null, slug)}
              />
            </section>
          </Card>
        )}

        <Card>
          <section aria-labelledby="mass-mail-history">
            <CardHeader
              id="mass-mail-history"
              title={t("history.title")}
              description={t("history.description")}
              actions={<RefreshWhileSending active={waiting} />}
            />
            {mailings.length === 0 ? (
              <p className="flex items-center gap-2 px-5 py-4 text-sm text-zinc-500 sm:px-6">
                <Icon name="info" className="size-5 shrink-0 text-zinc-400" />
                {t("history.empty")}
              </p>
            ) : (
              <ul className="divide-y divide-zinc-100">
                {mailings.map((mailing) => (
                  <li key={mailing.id} data-mailing={mailing.id} className="grid gap-3 px-5 py-4 sm:px-6 md:grid-cols-12 md:items-center">
                    <span className="min-w-0 md:col-span-5">
                      <span className="block truncate text-sm font-medium text-zinc-900">{mailing.subject}</span>
                      <span className="block text-xs text-zinc-500">
                        {format.dateTime(mailing.createdAt, "dateTime")}
                        {" · "}
                        {t("history.recipients", { count: mailing.recipientCount })}
                      </span>
                    </span>
                    <span className="md:col-span-7">
                      <MailingProgress counts={mailing.counts} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </Card>
      </div>
    </>
  );
}
