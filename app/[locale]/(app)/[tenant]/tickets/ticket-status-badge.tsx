import { useTranslations } from "next-intl";
import { Badge } from "@/app/_components/badge";
import type { TicketStatus } from "@/db/schema";

const tones = { open: "brand", answered: "green", on_hold: "amber", closed: "neutral" } as const;

/** A ticket's status in words, coloured by what it asks of staff: open needs an answer. */
export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  const t = useTranslations("tickets.statuses");
  return (
    <span data-ticket-status={status}>
      <Badge tone={tones[status]}>{t(status)}</Badge>
    </span>
  );
}
