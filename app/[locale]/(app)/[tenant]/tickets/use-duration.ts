import { useTranslations } from "next-intl";
import { durationText } from "@/lib/tickets/service-level-state";

/** A span of minutes in words ("2 h 15 min", "2 godziny 15 minut"), for due times and targets. */
export function useDuration() {
  const t = useTranslations("ticket.serviceLevel");
  return (totalMinutes: number) => durationText(totalMinutes, (unit, count) => t(unit, { count }));
}
