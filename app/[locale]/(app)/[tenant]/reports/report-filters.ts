import type { ReportQuery } from "@/lib/reports/figures";
import { daysEndingOn, isDay, MAX_RANGE_DAYS } from "@/lib/reports/range";

/**
 * The dashboard's filters, all in the address so that a view can be bookmarked and sent:
 * `?division=<id>&team=<id>&range=7d|30d|90d|thisMonth|previousMonth|custom&from=YYYY-MM-DD&to=YYYY-MM-DD`.
 * Anything not understood falls back to the default (every division, every team, the last 30 days).
 */

export const rangePresets = ["7d", "30d", "90d", "thisMonth", "previousMonth", "custom"] as const;
export type RangePreset = (typeof rangePresets)[number];

const DEFAULT_PRESET: RangePreset = "30d";

export type ReportSearchParams = Record<string, string | string[] | undefined>;

export interface ReportFilters {
  divisionId?: string;
  teamId?: string;
  range: RangePreset;
  from: string;
  to: string;
}

interface DivisionChoice {
  id: string;
  timeZone: string;
  teams: { id: string }[];
}

/**
 * The filters asked for, checked against the company's divisions and teams, and the report's query:
 * days counted in the chosen division's zone, or in `displayTimeZone` across divisions. `today` is the
 * calendar day it is now in that zone (`localDay`), passed in so this stays a function of its inputs.
 */
export function reportFiltersOf(
  asked: ReportSearchParams,
  divisions: readonly DivisionChoice[],
  displayTimeZone: string,
  today: (timeZone: string) => string,
): { filters: ReportFilters; query: ReportQuery } {
  const division = divisions.find((one) => one.id === single(asked.division));
  const teams = division ? division.teams : divisions.flatMap((one) => one.teams);
  const team = teams.find((one) => one.id === single(asked.team));
  const timeZone = division?.timeZone ?? displayTimeZone;
  const requested = single(asked.range);
  const preset = rangePresets.find((one) => one === requested) ?? DEFAULT_PRESET;
  const { range, from, to } = daysOf(preset, single(asked.from), single(asked.to), today(timeZone));
  const filters: ReportFilters = { divisionId: division?.id, teamId: team?.id, range, from, to };
  const query: ReportQuery = { from, to, timeZone, divisionId: division?.id, teamId: team?.id };
  return { filters, query };
}

/** The address of the dashboard with these filters; a preset's days are worked out again when it is opened. */
export function reportsHref(slug: string, filters: ReportFilters): string {
  const params = new URLSearchParams();
  if (filters.divisionId) params.set("division", filters.divisionId);
  if (filters.teamId) params.set("team", filters.teamId);
  params.set("range", filters.range);
  if (filters.range === "custom") {
    params.set("from", filters.from);
    params.set("to", filters.to);
  }
  return `/${slug}/reports?${params}`;
}

function daysOf(preset: RangePreset, from: string | undefined, to: string | undefined, today: string) {
  switch (preset) {
    case "7d":
      return { range: preset, ...daysEndingOn(today, 7) };
    case "30d":
      return { range: preset, ...daysEndingOn(today, 30) };
    case "90d":
      return { range: preset, ...daysEndingOn(today, 90) };
    case "thisMonth":
      return { range: preset, from: `${today.slice(0, 8)}01`, to: today };
    case "previousMonth": {
      // The day before the first of this month: the two days ending on the first begin on it.
      const lastDay = daysEndingOn(`${today.slice(0, 8)}01`, 2).from;
      return { range: preset, from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
    case "custom": {
      if (!from || !to || !isDay(from) || !isDay(to)) return daysOf(DEFAULT_PRESET, undefined, undefined, today);
      // Given the wrong way round, the days are still the ones meant.
      const [first, last] = from <= to ? [from, to] : [to, from];
      // Longer than a report covers: the longest range ending on the last day asked.
      const earliest = daysEndingOn(last, MAX_RANGE_DAYS).from;
      return { range: preset, from: first < earliest ? earliest : first, to: last };
    }
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
