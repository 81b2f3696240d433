import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { ageBucketHours, type BacklogRow, type ReportQuery } from "./figures";
import { liveTickets, timestampOf } from "./filters";
import { selectRows } from "./rows";

interface Row {
  divisionId: string;
  divisionName: string;
  teamId: string | null;
  teamName: string | null;
  total: number;
  day: number;
  threeDays: number;
  week: number;
  month: number;
  older: number;
  breached: number;
  breachingSoon: number;
}

/**
 * Tickets not closed now, per division and team, by how long ago they were created. Whatever the
 * range: a backlog is what is piling up now. Open, answered and on hold are status codes 1–3
 * (tickets.status_code), a range of tickets_status_idx; the generated smallint, not the enum,
 * because under row-level security only a leakproof comparison may use an index.
 *
 * The same scan counts the tickets past their due time now, and those due within their division's
 * escalation window (escalate_before_minutes): the queue's "breached" and "breaching soon".
 * sla_due_at is null once a ticket is closed, so only open tickets can be either.
 */
export async function backlog(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
  now: Date,
): Promise<{ rows: BacklogRow[]; breached: number; breachingSoon: number }> {
  const age = sql`(${timestampOf(now)} - t.created_at)`;
  const under = (hours: number) => sql`${age} < ${`${hours} hours`}::interval`;
  const rows = await selectRows<Row>(
    tx,
    sql`select t.division_id::text as "divisionId", d.name as "divisionName",
        t.team_id::text as "teamId", tm.name as "teamName", count(*)::int as total,
        count(*) filter (where ${under(ageBucketHours.day)})::int as day,
        count(*) filter (where not ${under(ageBucketHours.day)} and ${under(ageBucketHours.threeDays)})::int as "threeDays",
        count(*) filter (where not ${under(ageBucketHours.threeDays)} and ${under(ageBucketHours.week)})::int as week,
        count(*) filter (where not ${under(ageBucketHours.week)} and ${under(ageBucketHours.month)})::int as month,
        count(*) filter (where not ${under(ageBucketHours.month)})::int as older,
        count(*) filter (where t.sla_due_at <= ${timestampOf(now)})::int as breached,
        count(*) filter (where t.sla_due_at > ${timestampOf(now)}
          and t.sla_due_at <= ${timestampOf(now)} + d.escalate_before_minutes * interval '1 minute')::int as "breachingSoon"
      from tickets t
      join divisions d on d.id = t.division_id
      left join teams tm on tm.id = t.team_id
      where ${liveTickets(scope, query)} and t.status_code < 4
      group by t.division_id, d.name, t.team_id, tm.name
      order by d.name, tm.name nulls last`,
  );
  return {
    rows: rows.map((row) => ({
      divisionId: row.divisionId,
      divisionName: row.divisionName,
      teamId: row.teamId,
      teamName: row.teamName,
      total: row.total,
      buckets: { day: row.day, threeDays: row.threeDays, week: row.week, month: row.month, older: row.older },
    })),
    breached: rows.reduce((sum, row) => sum + row.breached, 0),
    breachingSoon: rows.reduce((sum, row) => sum + row.breachingSoon, 0),
  };
}
