import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { daysOf } from "./days";
import { type DurationColumns, durationColumns, durationsOf } from "./durations";
import type { ReportQuery, ResponseTimesDay, TeamResponseTimes } from "./figures";
import { inRange, liveTickets, localDayOf, minutesBetween } from "./filters";
import { selectRows } from "./rows";

interface Row extends DurationColumns {
  kind: "firstResponse" | "resolution";
  /** 1: a team's row (grouped by team), 0: a day's. */
  byTeam: number;
  day: string | null;
  teamId: string | null;
  teamName: string | null;
}

/**
 * First-response and resolution times, per local day and per team, in one statement: first
 * responses by the day they were sent (tickets_first_response_idx), resolutions by the day the ticket
 * was closed (tickets_closed_idx), both in wall-clock minutes since the ticket was created, grouped
 * both ways at once (grouping sets).
 */
export async function responseTimes(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
): Promise<{ perDay: ResponseTimesDay[]; perTeam: TeamResponseTimes[] }> {
  const rows = await selectRows<Row>(
    tx,
    sql`select kind, grouping(day) as "byTeam", day, team_id::text as "teamId", tm.name as "teamName",
        ${durationColumns(sql`minutes`)}
      from (
        select 'firstResponse' as kind, ${localDayOf(sql`t.first_response_at`, query)} as day, t.team_id,
          ${minutesBetween(sql`t.created_at`, sql`t.first_response_at`)} as minutes
        from tickets t
        where ${liveTickets(scope, query)} and t.first_response_at is not null and ${inRange(sql`t.first_response_at`, query)}
        union all
        select 'resolution', ${localDayOf(sql`t.closed_at`, query)}, t.team_id,
          ${minutesBetween(sql`t.created_at`, sql`t.closed_at`)}
        from tickets t
        where ${liveTickets(scope, query)} and t.closed_at is not null and ${inRange(sql`t.closed_at`, query)}
      ) timed
      left join teams tm on tm.id = timed.team_id
      group by grouping sets ((kind, day), (kind, team_id, tm.name))`,
  );
  return { perDay: perDay(query, rows.filter((row) => row.byTeam === 0)), perTeam: perTeam(rows.filter((row) => row.byTeam === 1)) };
}

function perDay(query: ReportQuery, rows: Row[]): ResponseTimesDay[] {
  const find = (kind: Row["kind"], day: string) => rows.find((row) => row.kind === kind && row.day === day);
  return daysOf(query.from, query.to).map((day) => ({
    day,
    firstResponse: durationsOf(find("firstResponse", day)),
    resolution: durationsOf(find("resolution", day)),
  }));
}

/** Teams by name, tickets of no team last. */
function perTeam(rows: Row[]): TeamResponseTimes[] {
  const teams = new Map<string | null, TeamResponseTimes>();
  for (const row of rows) {
    const team = teams.get(row.teamId) ?? {
      teamId: row.teamId,
      teamName: row.teamName,
      firstResponse: durationsOf(undefined),
      resolution: durationsOf(undefined),
    };
    team[row.kind] = durationsOf(row);
    teams.set(row.teamId, team);
  }
  return [...teams.values()].sort((a, b) =>
    a.teamName === null ? 1 : b.teamName === null ? -1 : a.teamName.localeCompare(b.teamName),
  );
}
