import { getFormatter, getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";
import type { QueueRow } from "@/lib/tickets/queue";
import { BulkQueue, type BulkQueueProps, RowCheckbox, SelectAllCheckbox } from "./bulk-queue";
import { TagChip, TicketPriorityBadge } from "./ticket-labels";
import { ServiceLevelDue } from "./service-level-due";
import { TicketStatusBadge } from "./ticket-status-badge";

/**
 * One page of the queue as a table: a checkbox per row for bulk work; the ticket with its unread
 * mark, priority (when it asks for attention), tags and a line of its last message; its customer,
 * status (with the due time when a service-level target is near or missed), team, assignee and last
 * update. Pinned rows (the ticket a searched number names) lead.
 */
export async function QueueTable({
  slug,
  divisionId,
  tickets,
  pinned,
  tagHref,
  ...bulk
}: {
  slug: string;
  /** The division shown, or null for all. */
  divisionId: string | null;
  tickets: QueueRow[];
  pinned: ReadonlySet<string>;
  tagHref: (tag: string) => string;
} & Omit<BulkQueueProps, "divisionId" | "tickets" | "children">) {
  const t = await getTranslations("tickets");
  const format = await getFormatter();
  const now = new Date();
  return (
    <BulkQueue
      divisionId={divisionId}
      tickets={tickets.map((ticket) => ({ id: ticket.id, label: `[${ticket.divisionTag}#${ticket.number}] ${ticket.subject}` }))}
      {...bulk}
    >
      {/* Relative: the screen-reader-only labels in the table are positioned, and would otherwise
          reach past the scrolling box and widen the page on a phone. */}
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs font-medium text-zinc-500">
            <tr>
              <th scope="col" className="w-10 py-2 pl-5 sm:pl-6">
                <SelectAllCheckbox />
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t("columns.ticket")}
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t("columns.customer")}
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t("columns.status")}
              </th>
              <th scope="col" className="hidden px-3 py-2 font-medium lg:table-cell">
                {t("columns.team")}
              </th>
              <th scope="col" className="hidden px-3 py-2 font-medium md:table-cell">
                {t("columns.assignee")}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                <span title={t("columns.messages")}>
                  <Icon name="envelope" className="ml-auto size-4" />
                  <span className="sr-only">{t("columns.messages")}</span>
                </span>
              </th>
              <th scope="col" className="px-5 py-2 text-right font-medium sm:pr-6">
                {t("columns.updated")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {tickets.map((ticket) => (
              <tr
                key={ticket.id}
                data-ticket={ticket.id}
                data-highlighted={ticket.highlighted || undefined}
                data-unread={ticket.unread || undefined}
                data-pinned={pinned.has(ticket.id) || undefined}
                tabIndex={-1}
                className={`outline-none focus:relative focus:z-10 focus:ring-2 focus:ring-brand-500 focus:ring-inset has-checked:bg-brand-50/70 ${
                  ticket.highlighted ? "bg-red-50/70 hover:bg-red-50" : "hover:bg-zinc-50"
                }`}
              >
                <td className={`py-3 pl-5 sm:pl-6 ${ticket.highlighted ? "border-l-4 border-red-500 sm:pl-5" : ""}`}>
                  <RowCheckbox
                    ticketId={ticket.id}
                    label={t("select", { ticket: `${ticket.divisionTag}#${ticket.number}` })}
                  />
                </td>
                <td className="max-w-0 min-w-64 px-3 py-3">
                  <Link
                    href={`/${slug}/tickets/${ticket.id}`}
                    data-ticket-link
                    className="group block min-w-0 focus-visible:outline-2 focus-visible:outline-brand-600"
                  >
                    <span className="flex items-center gap-2">
                      {ticket.unread && (
                        <span className="size-2 shrink-0 rounded-full bg-brand-600" title={t("unread")}>
                          <span className="sr-only">{t("unread")}</span>
                        </span>
                      )}
                      <span className="shrink-0 font-mono text-xs text-zinc-500">
                        [{ticket.divisionTag}#{ticket.number}]
                      </span>
                      {pinned.has(ticket.id) && (
                        <span className="shrink-0 rounded bg-zinc-900 px-1.5 text-[11px] font-semibold text-white">
                          {t("pinned", { number: ticket.number })}
                        </span>
                      )}
                      {(ticket.priority === "high" || ticket.priority === "urgent") && (
                        <TicketPriorityBadge priority={ticket.priority} />
                      )}
                      {ticket.highlighted && (
                        <span className="shrink-0 rounded bg-red-100 px-1.5 text-[11px] font-semibold text-red-800">
                          {t("highlighted")}
                        </span>
                      )}
                    </span>
                    <span
                      className={`block truncate text-zinc-900 group-hover:text-brand-700 ${
                        ticket.unread ? "font-semibold" : "font-medium"
                      }`}
                    >
                      {ticket.subject || t("noSubject")}
                    </span>
                    {ticket.preview && (
                      <span className="block truncate text-xs text-zinc-500" data-preview>
                        {ticket.preview}
                      </span>
                    )}
                  </Link>
                  {ticket.tags.length > 0 && (
                    <span className="mt-1 flex flex-wrap gap-1">
                      {ticket.tags.map((tag) => (
                        <TagChip key={tag} tag={tag} href={tagHref(tag)} />
                      ))}
                    </span>
                  )}
                </td>
                <td className="max-w-48 px-3 py-3">
                  {ticket.contactEmail ? (
                    <>
                      <span className="block truncate text-zinc-800">{ticket.contactName ?? ticket.contactEmail}</span>
                      {ticket.contactName && (
                        <span className="block truncate text-xs text-zinc-500">{ticket.contactEmail}</span>
                      )}
                    </>
                  ) : ticket.senderAddress ? (
                    <span className="block truncate text-zinc-800">{ticket.senderAddress}</span>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </td>
                <td className="px-3 py-3 whitespace-nowrap">
                  <TicketStatusBadge status={ticket.status} />
                  <ServiceLevelDue dueAt={ticket.slaDueAt} escalateBeforeMinutes={ticket.escalateBeforeMinutes} now={now} />
                </td>
                <td className="hidden max-w-36 truncate px-3 py-3 text-zinc-600 lg:table-cell">
                  {ticket.teamName ?? <span className="text-zinc-400">—</span>}
                </td>
                <td className="hidden max-w-36 truncate px-3 py-3 text-zinc-600 md:table-cell" data-assignee>
                  {ticket.assigneeName ?? <span className="text-zinc-400">{t("unassigned")}</span>}
                </td>
                <td className="px-3 py-3 text-right text-zinc-600 tabular-nums">{ticket.messageCount}</td>
                <td className="px-5 py-3 text-right text-xs whitespace-nowrap text-zinc-500 sm:pr-6">
                  <time
                    dateTime={ticket.updatedAt.toISOString()}
                    title={format.dateTime(ticket.updatedAt, "dateTime")}
                  >
                    {format.relativeTime(ticket.updatedAt, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </BulkQueue>
  );
}
