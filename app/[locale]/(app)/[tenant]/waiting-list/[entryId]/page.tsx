import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { cache } from "react";
import { Badge } from "@/app/_components/badge";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { Link, redirect } from "@/lib/i18n/navigation";
import { getWaitingEntry } from "@/lib/inbound/waiting-list";
import { domainOf } from "@/lib/mail/addresses";
import type { Address } from "@/lib/mail/types";
import { listDivisionsWithTeams } from "@/lib/teams/teams";
import { sendersWithImages } from "@/lib/users/remote-images";
import { alwaysShowImagesAction } from "../../mail-actions";
import { MailAttachments, MailHtml, MailText } from "../../mail-reader";
import { readOrNotFound } from "../../read-or-not-found";
import {
  attachWaitingAction,
  convertWaitingAction,
  deleteWaitingAction,
  releaseWaitingAction,
  searchTicketsAction,
  spamWaitingAction,
} from "../actions";
import { heldByRule, reasonOf } from "../reasons";
import { AttachForm, ConvertForm, OneClickForm, SpamForm } from "./entry-actions";

interface Props {
  params: Promise<{ locale: string; tenant: string; entryId: string }>;
  /** `images=1`: the reader asked to see this mail's remote images. */
  searchParams: Promise<{ images?: string | string[] }>;
}

const DECISIONS = ["converted", "attached", "registered", "spam", "released", "deleted"] as const;

/** Everything the page shows, read once per request (the title and the page share it). */
const loadEntryPage = cache(async (tenant: string, entryId: string) => {
  const { ctx, run } = await tenantRequest(tenant);
  const loaded = await readOrNotFound(run, [entryId], async (tx) => {
    const scope = scopeOf(ctx);
    const entry = await getWaitingEntry(tx, scope, entryId);
    const sender = entry.mail?.html ? entry.mail.from?.address : undefined;
    const imageSenders = await sendersWithImages(tx, scope, { userId: ctx.user.id, addresses: sender ? [sender] : [] });
    return { entry, divisions: await listDivisionsWithTeams(tx, scope), senderImagesShown: imageSenders.size > 0 };
  });
  return { ctx, ...loaded };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { tenant, entryId } = await params;
  const locale = setPageLocale((await params).locale);
  const { entry } = await loadEntryPage(tenant, entryId);
  const t = await getTranslations({ locale, namespace: "waitingList" });
  return { title: entry.mail?.subject || t("noSubject") };
}

function person(address: Address): string {
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

/** One held mail, read as a ticket's message reads, with why it was held and what to do with it. */
export default async function WaitingEntryPage({ params, searchParams }: Props) {
  const { locale, tenant, entryId } = await params;
  const { images } = await searchParams;
  setPageLocale(locale);
  const { ctx, entry, divisions, senderImagesShown } = await loadEntryPage(tenant, entryId);
  // Remote images pass the page's policy only when its address asks (lib/security/content-policy.ts).
  if (senderImagesShown && images === undefined) {
    redirect({ href: `/${ctx.tenant.slug}/waiting-list/${entry.id}?images=1`, locale: setPageLocale(locale) });
  }
  const t = await getTranslations("waitingList");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const { mail } = entry;
  const when = (date: Date) => format.dateTime(date, "dateTime");
  const ticketDivision = entry.ticket ? divisions.find((division) => division.id === entry.ticket!.divisionId) : undefined;
  // A deleted entry restored from the trash is waiting again, as if never decided.
  const decision = entry.waiting && entry.decision === "deleted" ? undefined : DECISIONS.find((d) => d === entry.decision);

  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/${slug}/waiting-list`} className="inline-flex items-center gap-1.5 text-zinc-500 hover:text-zinc-800">
            <Icon name="arrowLeft" className="size-4" />
            {t("entry.back")}
          </Link>
        }
        title={<span className="break-words">{mail?.subject || t("noSubject")}</span>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={heldByRule(entry.reason) ? "brand" : "neutral"}>{t(`reasons.${reasonOf(entry.reason)}`)}</Badge>
            <span>{t("entry.received", { when: when(entry.receivedAt), division: entry.divisionName })}</span>
          </span>
        }
      />

      <div className="grid gap-6 lg:grid-cols-3 lg:items-start">
        <div className="space-y-4 lg:col-span-2">
          {decision && (
            <section
              data-decision={decision}
              aria-label={t("entry.decisionTitle")}
              className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-emerald-200 bg-emerald-50 px-5 py-4 text-sm text-emerald-900"
            >
              <p className="flex items-center gap-2">
                <Icon name="checkCircle" className="size-5 shrink-0 text-emerald-600" />
                <span>
                  <span className="font-semibold">{t(`entry.decisions.${decision}`)}</span>
                  {" · "}
                  {entry.decidedBy
                    ? t("entry.decidedBy", { name: entry.decidedBy.name, when: when(entry.decidedAt!) })
                    : t("entry.decidedByOperator", { when: when(entry.decidedAt!) })}
                </span>
              </p>
              {entry.ticket && (
                <Link href={`/${slug}/tickets/${entry.ticket.id}`} className="font-medium text-emerald-800 underline underline-offset-2 hover:no-underline">
                  {t("entry.openTicket", { ticket: `[${ticketDivision?.tag ?? ""}#${entry.ticket.number}]` })}
                </Link>
              )}
            </section>
          )}

          <article aria-label={t("entry.mail")} className="rounded-xl border border-zinc-200 bg-white shadow-xs">
            {mail ? (
              <>
                <header className="space-y-0.5 px-5 pt-4 text-sm">
                  <p>
                    <span className="font-semibold text-zinc-900">
                      {mail.from ? (mail.from.name ?? mail.from.address) : t("noSender")}
                    </span>
                    {mail.from?.name && <span className="text-zinc-500"> &lt;{mail.from.address}&gt;</span>}
                  </p>
                  {mail.to.length > 0 && <p className="text-xs text-zinc-500">{t("entry.to", { recipients: mail.to.map(person).join(", ") })}</p>}
                  {mail.cc.length > 0 && <p className="text-xs text-zinc-500">{t("entry.cc", { recipients: mail.cc.map(person).join(", ") })}</p>}
                  {mail.date && (
                    <p className="text-xs text-zinc-500">
                      <time dateTime={mail.date.toISOString()}>{when(mail.date)}</time>
                    </p>
                  )}
                </header>
                <div className="px-5 py-3">
                  {mail.html ? (
                    <MailHtml
                      html={mail.html}
                      inlineImages={mail.inlineImages}
                      remoteImages={images !== undefined}
                      showImagesHref={`/${slug}/waiting-list/${entry.id}?images=1`}
                      sender={mail.from?.address ?? null}
                      alwaysShowImagesAction={alwaysShowImagesAction.bind(null, slug)}
                    />
                  ) : (
                    <MailText shown={mail.displayText.trim()} full={mail.text.trim()} />
                  )}
                </div>
                <MailAttachments
                  className="px-5 pb-4"
                  attachments={mail.attachments.map((attachment) => ({
                    ...attachment,
                    id: String(attachment.index),
                    href: `/${locale}/${slug}/waiting-list/${entry.id}/attachments/${attachment.index}`,
                  }))}
                />
              </>
            ) : (
              <p className="px-5 py-4 text-sm text-zinc-500 italic">{t("entry.unreadable")}</p>
            )}
            <details className="border-t border-zinc-100 px-5 py-3">
              <summary className="cursor-pointer text-sm font-medium text-brand-700 select-none hover:text-brand-800">
                {t("entry.rawHeaders")}
              </summary>
              <pre data-raw-headers className="mt-2 max-h-96 overflow-auto rounded-lg bg-zinc-50 p-3 font-mono text-xs leading-5 whitespace-pre-wrap break-all text-zinc-700 ring-1 ring-zinc-200 ring-inset">
                {entry.rawHeaders}
              </pre>
            </details>
          </article>
        </div>

        <aside className="space-y-4 lg:sticky lg:top-6">
          {entry.waiting ? (
            <>
              <ActionCard title={t("actions.convert.title")}>
                <ConvertForm
                  entryId={entry.id}
                  divisions={divisions}
                  divisionId={entry.divisionId}
                  hasSender={Boolean(mail?.from)}
                  action={convertWaitingAction.bind(null, slug)}
                />
              </ActionCard>
              <ActionCard title={t("actions.attach.title")}>
                <AttachForm entryId={entry.id} searchAction={searchTicketsAction.bind(null, slug)} attachAction={attachWaitingAction.bind(null, slug)} />
              </ActionCard>
              <ActionCard title={t("actions.spam.title")}>
                <SpamForm entryId={entry.id} domain={mail?.from ? domainOf(mail.from.address) : null} action={spamWaitingAction.bind(null, slug)} />
              </ActionCard>
              <ActionCard title={t("actions.release.title")} description={t("actions.release.help")}>
                <OneClickForm
                  entryId={entry.id}
                  label={t("actions.release.submit")}
                  variant="secondary"
                  success={t("actions.release.heldAgain")}
                  action={releaseWaitingAction.bind(null, slug)}
                />
              </ActionCard>
              <ActionCard title={t("actions.delete.title")} description={t("actions.delete.help")}>
                <OneClickForm entryId={entry.id} label={t("actions.delete.submit")} variant="danger" action={deleteWaitingAction.bind(null, slug)} />
              </ActionCard>
            </>
          ) : (
            <Card>
              <CardBody>
                <p className="text-sm text-zinc-600">{entry.deletedAt ? t("entry.inTrash") : t("entry.notWaiting")}</p>
              </CardBody>
            </Card>
          )}
        </aside>
      </div>
    </>
  );
}

function ActionCard({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody>{children}</CardBody>
    </Card>
  );
}
