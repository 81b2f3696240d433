import { useFormatter, useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import { urgencyOf } from "@/lib/tickets/service-level-state";
import { useDuration } from "./use-duration";

/**
 * A queue row's due mark, only when it asks for attention: amber while the ticket is breaching soon,
 * red once breached; the due time itself on hover.
 */
export function ServiceLevelDue({ dueAt, escalateBeforeMinutes, now }: { dueAt: Date | null; escalateBeforeMinutes: number; now: Date }) {
  const t = useTranslations("tickets.serviceLevel");
  const format = useFormatter();
  const duration = useDuration();
  if (!dueAt) return null;
  const urgency = urgencyOf(now, dueAt, escalateBeforeMinutes);
  if (urgency === "ok") return null;
  const minutes = Math.floor((dueAt.getTime() - now.getTime()) / 60_000);
  return (
    <time
      dateTime={dueAt.toISOString()}
      title={format.dateTime(dueAt, "dateTime")}
      data-service-level-urgency={urgency}
      className={`mt-1 flex max-w-44 items-start gap-1 text-xs font-medium whitespace-normal ${
        urgency === "breached" ? "text-red-700" : "text-amber-700"
      }`}
    >
      <Icon name={urgency === "breached" ? "alert" : "clock"} className="mt-px size-3.5 shrink-0" />
      {t(urgency, { duration: duration(minutes) })}
    </time>
  );
}
