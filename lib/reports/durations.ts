import { type SQL, sql } from "drizzle-orm";
import type { Durations } from "./figures";

/**
 * Count, median and 90th percentile of `minutes` over a group, as columns `n`, `median`, `p90`.
 * Both percentiles from one aggregate (the array form), so each group's minutes are sorted once:
 * the planner computes the two identical aggregates as one.
 */
export function durationColumns(minutes: SQL): SQL {
  const percentiles = sql`percentile_cont(array[0.5, 0.9]::float8[]) within group (order by ${minutes})`;
  return sql`count(${minutes})::int as n, (${percentiles})[1] as median, (${percentiles})[2] as p90`;
}

export interface DurationColumns {
  n: number;
  median: number | null;
  p90: number | null;
}

export const noDurations: Durations = { count: 0, median: null, p90: null };

export function durationsOf(row: DurationColumns | undefined): Durations {
  if (!row || row.n === 0) return noDurations;
  return { count: row.n, median: Number(row.median), p90: Number(row.p90) };
}
