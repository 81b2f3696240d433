import { type SQL, sql } from "drizzle-orm";
import type { Durations } from "./figures";

/** Count, median and 90th percentile of `minutes` over a group, as columns `n`, `median`, `p90`. */
export function durationColumns(minutes: SQL): SQL {
  return sql`count(${minutes})::int as n,
    percentile_cont(0.5) within group (order by ${minutes}) as median,
    percentile_cont(0.9) within group (order by ${minutes}) as p90`;
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
