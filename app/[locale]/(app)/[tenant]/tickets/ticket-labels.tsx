import { useTranslations } from "next-intl";
import type { TicketPriority } from "@/db/schema";
import { Link } from "@/lib/i18n/navigation";

const priorityTones: Record<TicketPriority, string> = {
  low: "bg-zinc-50 text-zinc-500 ring-zinc-200",
  normal: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  high: "bg-orange-50 text-orange-800 ring-orange-200",
  urgent: "bg-red-600 text-white ring-red-600",
};

/** A ticket's priority in words; the queue shows it only where it asks for attention (high, urgent). */
export function TicketPriorityBadge({ priority }: { priority: TicketPriority }) {
  const t = useTranslations("tickets.priorities");
  return (
    <span
      data-ticket-priority={priority}
      className={`inline-flex items-center rounded-md px-1.5 text-[11px] font-semibold ring-1 ring-inset ${priorityTones[priority]}`}
    >
      {t(priority)}
    </span>
  );
}

/** A tag as a chip that opens the queue filtered by it. */
export function TagChip({ tag, href }: { tag: string; href: string }) {
  const t = useTranslations("tickets.filters");
  return (
    <Link
      href={href}
      data-tag={tag}
      title={t("showTag", { tag })}
      className="inline-flex max-w-40 items-center truncate rounded-full bg-sky-50 px-2 text-[11px] font-medium text-sky-800 ring-1 ring-sky-200 ring-inset hover:bg-sky-100"
    >
      #{tag}
    </Link>
  );
}
