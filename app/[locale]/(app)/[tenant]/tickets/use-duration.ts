import { useTranslations } from "next-intl";
import { durationParts } from "@/lib/tickets/service-level-state";

/** A span of minutes in words ("2 h 15 min", "2 godziny 15 minut"), for due times and targets. */
export function useDuration() {
  const t = useTranslations("ticket.serviceLevel");
  return (totalMinutes: number) => {
    const { days, hours, minutes } = durationParts(totalMinutes);
    const parts = [
      days > 0 ? t("days", { count: days }) : null,
      hours > 0 ? t("hours", { count: hours }) : null,
      minutes > 0 || (days === 0 && hours === 0) ? t("minutes", { count: minutes }) : null,
    ];
    return parts.filter(Boolean).join(" ");
  };
}
