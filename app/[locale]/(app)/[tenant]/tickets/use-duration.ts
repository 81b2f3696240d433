import { useTranslations } from "next-intl";
import { durationText } from "@/lib/tickets/service-level-state";

/**
 * A span of minutes in words ("2 h 15 min", "2 godziny 15 minut"), for due times and targets;
 * `days: false` for business time, whose days are as long as the division is open.
 */
export function useDuration() {
  const t = useTranslations("ticket.serviceLevel");
  return (totalMinutes: number, options: { days?: boolean } = {}) =>
    durationText(totalMinutes, (unit, count) => t(unit, { count }), options);
}
