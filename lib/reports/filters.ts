import { type SQL, sql } from "drizzle-orm";
import type { TenantScope } from "@/db/tenant";
import type { ReportQuery } from "./figures";

/**
 * The pieces every figure's statement is built of. Tickets are always aliased `t`, inbound emails
 * `e`, so the pieces fit each statement. Every statement names the tenant itself, on top of
 * row-level security.
 */

/**
 * The tickets a figure counts: the tenant's live ones (not in the trash, not merged into another:
 * a merged ticket's messages and work live on in the one it was merged into), of the chosen
 * division and team.
 */
export function liveTickets(scope: TenantScope, query: ReportQuery): SQL {
  const parts = [sql`t.tenant_id = ${scope.tenantId}`, sql`t.deleted_at is null`, sql`t.merged_into_id is null`];
  if (query.divisionId) parts.push(sql`t.division_id = ${query.divisionId}`);
  if (query.teamId) parts.push(sql`t.team_id = ${query.teamId}`);
  return sql.join(parts, sql` and `);
}

/**
 * The tenant's inbound emails of the chosen division and team. Mail has no team of its own: it
 * belongs to the team its mailbox is given to (mailboxes.team_id), as the tickets it makes do.
 */
export function inboundOf(scope: TenantScope, query: ReportQuery): SQL {
  const parts = [sql`e.tenant_id = ${scope.tenantId}`];
  if (query.divisionId) parts.push(sql`e.division_id = ${query.divisionId}`);
  if (query.teamId) {
    parts.push(
      sql`e.mailbox_id in (select mb.id from mailboxes mb where mb.tenant_id = ${scope.tenantId} and mb.team_id = ${query.teamId})`,
    );
  }
  return sql.join(parts, sql` and `);
}

/**
 * `column` within the range: from the first day's local midnight up to (not including) the midnight
 * after the last day, in the report's time zone. Plain comparisons of the column with constants,
 * so a range scan of its index serves them.
 */
export function inRange(column: SQL, query: ReportQuery): SQL {
  return sql`${column} >= timezone(${query.timeZone}, ${query.from}::timestamp)
    and ${column} < timezone(${query.timeZone}, (${query.to}::date + 1)::timestamp)`;
}

/**
 * Which day of the range `column` falls on, 1 for the first: its place among the range's local
 * midnights (computed once per statement), found by binary search. Cheaper per row than turning
 * each instant into local time, and right across daylight-saving changes, since the midnights are
 * the zone's own. 0 before the range, the number of days + 1 after it.
 */
export function dayNumberOf(column: SQL, query: ReportQuery): SQL {
  return sql`width_bucket(${column}, (select array_agg(timezone(${query.timeZone}, midnight) order by midnight)
    from generate_series(${query.from}::timestamp, ${query.to}::timestamp + interval '1 day', interval '1 day') midnight))`;
}

/** Day number `number` of the range (dayNumberOf) as `YYYY-MM-DD`. */
export function dayOfNumber(number: SQL, query: ReportQuery): SQL {
  return sql`to_char(${query.from}::date + ${number} - 1, 'YYYY-MM-DD')`;
}

/** Wall-clock minutes from `start` to `end`. */
export function minutesBetween(start: SQL, end: SQL): SQL {
  return sql`(extract(epoch from ${end} - ${start}) / 60)::float8`;
}

/** An instant as ISO text (UTC), or null. */
export function isoText(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

export function timestampOf(instant: Date): SQL {
  return sql`${instant.toISOString()}::timestamptz`;
}
