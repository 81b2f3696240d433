import type { DayHours, WeeklyHours } from "@/db/schema";

/**
 * When a division's service-level targets fall due. A target counts business minutes: the time the
 * division is open, by its weekly hours (Monday first, each day one span of local wall time, or
 * closed), less its holidays (whole local days), in its own time zone. A ticket that arrives on
 * Friday evening with a one-hour target is due an hour after Monday's opening.
 *
 * Wall time becomes an instant through Intl alone (no time-zone library): the zone's offset at a
 * guess, then again at the result, which settles the hour a daylight-saving change moves.
 */

export interface BusinessCalendar {
  /** An IANA zone, as `Intl` knows it. */
  timeZone: string;
  /** Null: open around the clock (holidays still closed). */
  hours: WeeklyHours | null;
  /** Closed days, `YYYY-MM-DD` in the zone. */
  holidays: ReadonlySet<string>;
}

/** Days looked ahead for an opening: a calendar with none within a year has no due time. */
const MAX_DAYS = 366;
const MINUTE = 60_000;

/** `start` plus `minutes` of the calendar's open time; null when it never opens. */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date | null {
  let left = minutes * MINUTE;
  const first = localDate(start, calendar.timeZone);
  for (let offset = 0; offset < MAX_DAYS; offset++) {
    const day = shiftDays(first, offset);
    const span = openSpan(day, calendar);
    if (!span) continue;
    const from = Math.max(span.from, start.getTime());
    const available = span.to - from;
    if (available <= 0) continue;
    if (left <= available) return new Date(from + left);
    left -= available;
  }
  return null;
}

/** Whether the zone is one `Intl` knows. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The calendar day of `instant` in the zone, `YYYY-MM-DD`. */
export function localDay(instant: Date, timeZone: string): string {
  return isoDate(localDate(instant, timeZone));
}

/** "HH:MM" of a day's hours, as minutes since midnight. */
export function minutesOfDay(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return hours! * 60 + minutes!;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The day's open span as instants, or null when closed all day. */
function openSpan(date: LocalDate, calendar: BusinessCalendar): { from: number; to: number } | null {
  if (calendar.holidays.has(isoDate(date))) return null;
  const hours: DayHours = calendar.hours ? (calendar.hours[weekdayIndex(date)] ?? null) : { start: "00:00", end: "24:00" };
  if (!hours) return null;
  return {
    from: instantOf(date, minutesOfDay(hours.start), calendar.timeZone),
    to: instantOf(date, minutesOfDay(hours.end), calendar.timeZone),
  };
}

/** Monday 0 … Sunday 6. */
function weekdayIndex(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

function shiftDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function isoDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

/** The instant at `minutes` past local midnight of `date` (24:00 is the next midnight). */
function instantOf(date: LocalDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE;
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

function localDate(instant: Date, timeZone: string): LocalDate {
  const parts = wallParts(instant.getTime(), timeZone);
  return { year: parts.year, month: parts.month, day: parts.day };
}

/** Local wall time minus UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallParts(instant: number, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}
