import { useFormatter, useLocale, useTranslations } from "next-intl";
import { formatCalendarDay } from "@/lib/i18n/dates";
import type { Cell, CellKind } from "./report-table";

/**
 * How the dashboard's values read in the page's language: days and moments through the named date
 * formats, numbers with the language's separators (1 234,5 in Polish), durations in hours and
 * minutes ("2 godz. 15 min"), shares as percentages to one decimal.
 */
export function useReportFormat() {
  const locale = useLocale();
  const format = useFormatter();
  const t = useTranslations("reports.duration");

  const duration = (minutes: number): string => {
    const whole = Math.round(minutes);
    if (whole < 60) return t("minutes", { minutes: whole });
    if (whole < 24 * 60) return t("hours", { hours: Math.floor(whole / 60), minutes: whole % 60 });
    return t("days", { days: Math.floor(whole / (24 * 60)), hours: Math.floor((whole % (24 * 60)) / 60) });
  };

  /** A duration axis's tick, at round steps (minutes, hours, days): one unit, with decimals. */
  const axisDuration = (minutes: number): string => {
    if (minutes < 60) return t("minutes", { minutes });
    if (minutes < 24 * 60) return t("axisHours", { hours: minutes / 60 });
    return t("axisDays", { days: minutes / (24 * 60) });
  };

  const cell = (kind: CellKind, value: Cell): string => {
    if (value === null) return "—";
    if (Array.isArray(value)) return value.map((count) => format.number(count)).join(", ");
    if (typeof value === "number") {
      switch (kind) {
        case "minutes":
          return duration(value);
        case "share":
          return format.number(value, { style: "percent", maximumFractionDigits: 1 });
        default:
          return format.number(value);
      }
    }
    switch (kind) {
      case "day":
        return formatCalendarDay(locale, value);
      case "moment":
        return format.dateTime(new Date(value), "dateTime");
      default:
        return value;
    }
  };

  return { cell, axisDuration, axisDay: (day: string) => formatCalendarDay(locale, day, "dayMonth"), locale };
}
