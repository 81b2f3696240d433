import { useTranslations } from "next-intl";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import type { ContactTicket } from "@/lib/contacts/history";
import { Link } from "@/lib/i18n/navigation";
import { TicketStatusBadge } from "../ticket-status-badge";

/** The sidebar's look at the customer's other open tickets, so that staff answer them as one. */
export function CustomerTickets({
  slug,
  contactId,
  tickets,
}: {
  slug: string;
  contactId: string;
  tickets: ContactTicket[];
}) {
  const t = useTranslations("contacts.sidebar");
  const tTickets = useTranslations("tickets");
  return (
    <Card>
      <CardHeader title={t("otherOpen")} />
      <CardBody className="space-y-3">
        {tickets.length === 0 ? (
          <p className="text-sm text-zinc-500">{t("noOtherOpen")}</p>
        ) : (
          <ul className="space-y-2 text-sm" data-other-open-tickets>
            {tickets.map((ticket) => (
              <li key={ticket.id} data-ticket={ticket.id}>
                <Link href={`/${slug}/tickets/${ticket.id}`} className="group block rounded-md hover:bg-zinc-50">
                  <span className="flex items-center justify-between gap-2">
                    <span className="font-mono text-xs text-zinc-500">
                      [{ticket.divisionTag}#{ticket.number}]
                    </span>
                    <TicketStatusBadge status={ticket.status} />
                  </span>
                  <span className="block break-words text-zinc-800 group-hover:text-brand-700">
                    {ticket.subject || tTickets("noSubject")}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <Link href={`/${slug}/contacts/${contactId}`} className="inline-block text-sm font-medium text-brand-700 hover:underline">
          {t("allTickets")}
        </Link>
      </CardBody>
    </Card>
  );
}
