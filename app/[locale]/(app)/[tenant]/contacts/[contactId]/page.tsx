import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { cache } from "react";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { getContact } from "@/lib/contacts/history";
import { Link } from "@/lib/i18n/navigation";
import { readOrNotFound } from "../../read-or-not-found";
import { TicketStatusBadge } from "../../tickets/ticket-status-badge";
import { updateContactAction } from "./actions";
import { ContactForm } from "./contact-form";

interface Props {
  params: Promise<{ locale: string; tenant: string; contactId: string }>;
}

/** The contact and their tickets, read once per request (the title and the page share it). */
const loadContactPage = cache(async (tenant: string, contactId: string) => {
  const { ctx, run } = await tenantRequest(tenant);
  const page = await readOrNotFound(run, [contactId], (tx) => getContact(tx, scopeOf(ctx), contactId));
  return { ctx, ...page };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale, tenant, contactId } = await params;
  setPageLocale(locale);
  const { contact } = await loadContactPage(tenant, contactId);
  return { title: contact.name ?? contact.email };
}

/** One customer: who they are, what staff note about them, and every ticket of theirs. */
export default async function ContactPage({ params }: Props) {
  const { locale, tenant, contactId } = await params;
  setPageLocale(locale);
  const { ctx, contact, activity, tickets } = await loadContactPage(tenant, contactId);
  const t = await getTranslations("contacts");
  const tTickets = await getTranslations("tickets");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/${slug}/contacts`} className="inline-flex items-center gap-1.5 text-zinc-500 hover:text-zinc-800">
            <Icon name="arrowLeft" className="size-4" />
            {t("contact.back")}
          </Link>
        }
        title={<span className="break-words">{contact.name ?? contact.email}</span>}
        description={
          <span className="flex flex-wrap gap-x-3 gap-y-1" data-contact-header>
            {contact.name && <span className="break-all">{contact.email}</span>}
            {contact.organization && (
              <span className="font-medium text-zinc-700" data-contact-organization>
                {contact.organization}
              </span>
            )}
            <span>{t("contact.since", { when: format.dateTime(contact.createdAt, "date") })}</span>
          </span>
        }
      />

      <div className="grid gap-6 lg:grid-cols-3 lg:items-start">
        <Card className="min-w-0 lg:col-span-2">
          <CardHeader
            title={t("contact.ticketsTitle")}
            description={`${t("tickets", { count: activity.ticketCount })} · ${t("openTickets", { count: activity.openTicketCount })}`}
          />
          {tickets.length === 0 ? (
            <p className="px-5 py-8 text-center text-sm text-zinc-500 sm:px-6">{t("contact.noTickets")}</p>
          ) : (
            <ul className="divide-y divide-zinc-100" data-contact-tickets>
              {tickets.map((ticket) => (
                <li key={ticket.id} data-ticket={ticket.id}>
                  <Link
                    href={`/${slug}/tickets/${ticket.id}`}
                    className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-5 py-3 hover:bg-zinc-50 sm:px-6"
                  >
                    <span className="min-w-0 flex-1 basis-56">
                      <span className="mr-2 font-mono text-sm text-zinc-500">
                        [{ticket.divisionTag}#{ticket.number}]
                      </span>
                      <span className="break-words text-zinc-900">{ticket.subject || tTickets("noSubject")}</span>
                    </span>
                    <span className="flex items-center gap-3 text-sm text-zinc-500">
                      <TicketStatusBadge status={ticket.status} />
                      {format.dateTime(ticket.createdAt, "date")}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {tickets.length < activity.ticketCount && (
            <p className="border-t border-zinc-100 px-5 py-3 text-sm text-zinc-500 sm:px-6">
              {t("contact.newestShown", { shown: tickets.length, total: activity.ticketCount })}
            </p>
          )}
        </Card>

        <Card className="min-w-0">
          <CardHeader title={t("contact.form.title")} description={t("contact.form.description")} />
          <CardBody>
            <ContactForm
              contactId={contact.id}
              initial={{ name: contact.name, organization: contact.organization, notes: contact.notes }}
              action={updateContactAction.bind(null, slug)}
            />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
