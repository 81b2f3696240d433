import { createFormatter, type Formats } from "use-intl/core";
import type { Locale } from "./routing";

/**
 * Dates and times look the same on every screen, in each language: these named formats, given to
 * next-intl (lib/i18n/request.ts: `format.dateTime(date, "dateTime")` in pages and components) and
 * to code outside React (`dateFormatter`). Each language's own order and words: "Dec 6, 2026, 2:05 PM",
 * "6 gru 2026, 14:05". Nothing else formats a date for people (tests/unit/dates.test.ts).
 */
export const dateFormats = {
  dateTime: {
    /** A moment: a message, an event, an error. */
    dateTime: { dateStyle: "medium", timeStyle: "short" },
    /** A day: when a contact or a mailbox began. */
    date: { dateStyle: "medium" },
    /** A day on a chart's axis, where the year is in the range shown beside it: "Dec 6", "6 gru". */
    dayMonth: { day: "numeric", month: "short" },
  },
} as const satisfies Formats;

/**
 * The zone dates are shown in: the server's (its TZ), as before these formats, now named so that
 * pages, the components they hydrate in the browser and mail agree.
 */
export const displayTimeZone: string = new Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The same formats where there is no request: mail, jobs. */
export function dateFormatter(locale: Locale, timeZone: string = displayTimeZone) {
  return createFormatter({ locale, timeZone, formats: dateFormats });
}

/**
 * A calendar day (`YYYY-MM-DD`, as a report counts them) for people, in a named format. A day has no
 * zone of its own: read as UTC midnight and shown in UTC, it stays the same day wherever it is shown.
 */
export function formatCalendarDay(locale: Locale, day: string, format: "date" | "dayMonth" = "date"): string {
  return dateFormatter(locale, "UTC").dateTime(new Date(`${day}T00:00:00Z`), format);
}
