import type { DayHours, WeeklyHours } from "@/db/schema";

/**
 * Business hours as typed on a command line: `mon-fri 09:00-17:00, sat 10:00-14:00` (days or a range
 * of days, then one span of local time; a day named twice takes its last span; a day not named is
 * closed), or `always` for around the clock. The times are passed on as written: the settings
 * schema checks them (lib/divisions/settings.ts), as it does for the form.
 */

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** `always` → null; text that is not days and a span → undefined. */
export function parseBusinessHours(text: string): WeeklyHours | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "always") return null;
  const week: WeeklyHours = DAYS.map(() => null);
  for (const group of trimmed.split(",")) {
    const match = /^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\S+)\s*-\s*(\S+)\s*$/.exec(group);
    if (!match) return undefined;
    const first = dayIndex(match[1]!);
    const last = dayIndex(match[2] ?? match[1]!);
    if (first === undefined || last === undefined || last < first) return undefined;
    for (let day = first; day <= last; day++) week[day] = { start: match[3]!, end: match[4]! };
  }
  return week;
}

/** WeeklyHours in the spelling `parseBusinessHours` reads: consecutive days with the same span as a range. */
export function formatBusinessHours(hours: WeeklyHours | null): string {
  if (!hours) return "always";
  const groups: string[] = [];
  let day = 0;
  while (day < DAYS.length) {
    const span = hours[day] ?? null;
    let last = day;
    while (last + 1 < DAYS.length && sameSpan(hours[last + 1] ?? null, span)) last++;
    if (span) groups.push(`${DAYS[day]}${last > day ? `-${DAYS[last]}` : ""} ${span.start}-${span.end}`);
    day = last + 1;
  }
  return groups.join(", ");
}

function dayIndex(name: string): number | undefined {
  const index = (DAYS as readonly string[]).indexOf(name);
  return index < 0 ? undefined : index;
}

function sameSpan(a: DayHours, b: DayHours): boolean {
  return a === b || (a !== null && b !== null && a.start === b.start && a.end === b.end);
}
