/** Every day from `from` to `to`, inclusive, as `YYYY-MM-DD` (calendar days: no clock involved). */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  const last = Date.parse(`${to}T00:00:00Z`);
  for (let day = Date.parse(`${from}T00:00:00Z`); day <= last; day += 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

/** One entry per day of the range: the figures' row for the day, or `empty(day)` where nothing happened. */
export function fillDays<T extends { day: string }>(days: string[], rows: T[], empty: (day: string) => T): T[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return days.map((day) => byDay.get(day) ?? empty(day));
}
