import { localDay } from "@/lib/divisions/business-hours";

/** The range a report shows when none is chosen: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** The longest range a report covers: a year and a day, so a leap year's range fits. */
export const MAX_RANGE_DAYS = 366;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** Days from `from` to `to`, both counted. */
export function rangeLength(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The `days` days ending on `to`, both counted. */
export function daysEndingOn(to: string, days = DEFAULT_RANGE_DAYS): { from: string; to: string } {
  return { from: new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10), to };
}

/** The `days` days ending today (local to `timeZone` at `now`): the range a report shows by default. */
export function recentDays(now: Date, timeZone: string, days = DEFAULT_RANGE_DAYS): { from: string; to: string } {
  return daysEndingOn(localDay(now, timeZone), days);
}
