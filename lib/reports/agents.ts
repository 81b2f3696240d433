import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { type DurationColumns, durationColumns, durationsOf } from "./durations";
import type { AgentFigures, ReportQuery } from "./figures";
import { inRange, liveTickets, minutesBetween } from "./filters";
import { selectRows } from "./rows";

interface Row extends DurationColumns {
  userId: string;
  name: string;
  repliesSent: number;
  ticketsClosed: number;
}

/**
 * Per member, in the range: replies sent (outbound messages they wrote, not in the trash, on live
 * tickets of the division and team), tickets closed (by their assignee at closing), and the time to
 * first response of the tickets whose first reply they sent. Three index range scans stacked into
 * one grouping; members with none of the three are left out.
 */
export async function agentFigures(tx: Executor, scope: TenantScope, query: ReportQuery): Promise<AgentFigures[]> {
  const rows = await selectRows<Row>(
    tx,
    sql`select u.id::text as "userId", u.name, sum(work.replies)::int as "repliesSent",
        sum(work.closed)::int as "ticketsClosed", ${durationColumns(sql`work.minutes`)}
      from (
        select m.author_user_id as user_id, 1 as replies, 0 as closed, null::float8 as minutes
        from messages m join tickets t on t.id = m.ticket_id
        where m.tenant_id = ${scope.tenantId} and m.direction = 'outbound' and m.deleted_at is null
          and m.author_user_id is not null and ${inRange(sql`m.created_at`, query)} and ${liveTickets(scope, query)}
        union all
        select t.assignee_id, 0, 1, null
        from tickets t
        where ${liveTickets(scope, query)} and t.assignee_id is not null and t.closed_at is not null
          and ${inRange(sql`t.closed_at`, query)}
        union all
        select t.first_response_by_id, 0, 0, ${minutesBetween(sql`t.created_at`, sql`t.first_response_at`)}
        from tickets t
        where ${liveTickets(scope, query)} and t.first_response_by_id is not null and t.first_response_at is not null
          and ${inRange(sql`t.first_response_at`, query)}
      ) work
      join users u on u.id = work.user_id
      group by u.id, u.name
      order by u.name, u.id`,
  );
  return rows.map(({ n, median, p90, ...agent }) => ({ ...agent, firstResponse: durationsOf({ n, median, p90 }) }));
}
