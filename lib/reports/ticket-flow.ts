import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { daysOf } from "./days";
import { type DurationColumns, durationColumns, durationsOf, noDurations } from "./durations";
import type { Durations, ReportQuery, ResponseTimesDay, TeamResponseTimes, TicketsDay } from "./figures";
import { dayNumberOf, dayOfNumber, inRange, liveTickets, minutesBetween } from "./filters";
import { selectRows } from "./rows";

/** Which event a row counts, and what it is grouped by. */
interface Row extends DurationColumns {
  event: "created" | "firstResponse" | "resolution";
  grouped: "day" | "team" | "member";
  day: string | null;
  teamId: string | null;
  teamName: string | null;
  userId: string | null;
}

export interface TicketFlow {
  ticketsPerDay: TicketsDay[];
  responseTimesPerDay: ResponseTimesDay[];
  responseTimesPerTeam: TeamResponseTimes[];
  /** Per member: the tickets they closed (as assignee) and the first responses they sent. */
  members: Map<string, { ticketsClosed: number; firstResponse: Durations }>;
}

/**
 * What happened to tickets in the range, read in one statement from three index range scans: tickets
 * created (tickets_created_idx), first responses sent (tickets_first_response_idx) and tickets
 * closed (tickets_closed_idx). Each scan is grouped every way a figure needs it (grouping sets):
 * per local day, per team and per member. Durations are wall-clock minutes since the ticket was
 * created: first responses fall on the day they were sent, resolutions on the day of closing.
 */
export async function ticketFlow(tx: Executor, scope: TenantScope, query: ReportQuery): Promise<TicketFlow> {
  const live = liveTickets(scope, query);
  const rows = await selectRows<Row>(
    tx,
    sql`with responded as (
        select ${dayNumberOf(sql`t.first_response_at`, query)} as day, t.team_id, t.first_response_by_id as user_id,
          ${minutesBetween(sql`t.created_at`, sql`t.first_response_at`)} as minutes
        from tickets t
        where ${live} and t.first_response_at is not null and ${inRange(sql`t.first_response_at`, query)}
      ), closed as (
        select ${dayNumberOf(sql`t.closed_at`, query)} as day, t.team_id, t.assignee_id as user_id,
          ${minutesBetween(sql`t.created_at`, sql`t.closed_at`)} as minutes
        from tickets t
        where ${live} and t.closed_at is not null and ${inRange(sql`t.closed_at`, query)}
      ), timed as (
        select 1 as event, * from responded
        union all
        select 2, * from closed
      )
      select 'created' as event, 'day' as grouped, ${dayOfNumber(sql`day`, query)} as day, null as "teamId",
        null as "teamName", null as "userId", count(*)::int as n, null::float8 as median, null::float8 as p90
      from (
        select ${dayNumberOf(sql`t.created_at`, query)} as day
        from tickets t
        where ${live} and ${inRange(sql`t.created_at`, query)}
      ) created
      group by created.day
      union all
      select case g.event when 1 then 'firstResponse' else 'resolution' end, g.grouped, ${dayOfNumber(sql`g.day`, query)},
        g.team_id::text, tm.name, g.user_id::text, g.n, g.median, g.p90
      from (
        -- Grouped before the teams' names are joined: narrow rows sort in memory.
        select event, case when grouping(day) = 0 then 'day' when grouping(team_id) = 0 then 'team' else 'member' end as grouped,
          day, team_id, user_id, ${durationColumns(sql`minutes`)}
        from timed
        group by grouping sets ((event, day), (event, team_id), (event, user_id))
      ) g
      left join teams tm on tm.id = g.team_id`,
  );
  const days = daysOf(query.from, query.to);
  const find = (event: Row["event"], grouped: Row["grouped"], day: string) =>
    rows.find((row) => row.event === event && row.grouped === grouped && row.day === day);
  return {
    ticketsPerDay: days.map((day) => ({
      day,
      created: find("created", "day", day)?.n ?? 0,
      closed: find("resolution", "day", day)?.n ?? 0,
    })),
    responseTimesPerDay: days.map((day) => ({
      day,
      firstResponse: durationsOf(find("firstResponse", "day", day)),
      resolution: durationsOf(find("resolution", "day", day)),
    })),
    responseTimesPerTeam: perTeam(rows.filter((row) => row.grouped === "team")),
    members: perMember(rows.filter((row) => row.grouped === "member" && row.userId !== null)),
  };
}

/** Teams by name, tickets of no team last. */
function perTeam(rows: Row[]): TeamResponseTimes[] {
  const teams = new Map<string | null, TeamResponseTimes>();
  for (const row of rows) {
    const team = teams.get(row.teamId) ?? {
      teamId: row.teamId,
      teamName: row.teamName,
      firstResponse: noDurations,
      resolution: noDurations,
    };
    team[row.event === "firstResponse" ? "firstResponse" : "resolution"] = durationsOf(row);
    teams.set(row.teamId, team);
  }
  return [...teams.values()].sort((a, b) =>
    a.teamName === null ? 1 : b.teamName === null ? -1 : a.teamName.localeCompare(b.teamName),
  );
}

function perMember(rows: Row[]): TicketFlow["members"] {
  const members: TicketFlow["members"] = new Map();
  for (const row of rows) {
    const member = members.get(row.userId!) ?? { ticketsClosed: 0, firstResponse: noDurations };
    if (row.event === "resolution") member.ticketsClosed = row.n;
    else member.firstResponse = durationsOf(row);
    members.set(row.userId!, member);
  }
  return members;
}
