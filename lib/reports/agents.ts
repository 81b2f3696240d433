import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { noDurations } from "./durations";
import type { AgentFigures, ReportQuery } from "./figures";
import { inRange, liveTickets } from "./filters";
import { selectRows } from "./rows";
import type { TicketFlow } from "./ticket-flow";

/**
 * Per member, in the range: replies sent (outbound messages they wrote, not in the trash, on live
 * tickets of the division and team), and from the ticket flow the tickets closed (by their assignee
 * at closing) and the time to first response of the tickets whose first reply they sent. Members
 * with none of the three are left out.
 */
export async function agentFigures(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
  flow: TicketFlow["members"],
): Promise<AgentFigures[]> {
  const rows = await selectRows<{ userId: string; name: string; repliesSent: number }>(
    tx,
    // The replies first, from messages_outbound_idx, counted per ticket and author so that each
    // ticket is looked at once (materialized: left to itself the planner may walk all of a
    // division's tickets for their messages instead).
    sql`with replies as materialized (
        select m.ticket_id, m.author_user_id, count(*)::int as n from messages m
        where m.tenant_id = ${scope.tenantId} and m.direction = 'outbound' and m.deleted_at is null
          and m.author_user_id is not null and ${inRange(sql`m.created_at`, query)}
        group by m.ticket_id, m.author_user_id
      ), sent as (
        select r.author_user_id as user_id, sum(r.n)::int as n
        from replies r
        where ${ofLiveTickets(scope, query)}
        group by r.author_user_id
      ), members as (
        select user_id from sent
        union
        select unnest(${memberIds([...flow.keys()])})
      )
      select u.id::text as "userId", u.name, coalesce(sent.n, 0) as "repliesSent"
      from members join users u on u.id = members.user_id left join sent on sent.user_id = members.user_id`,
  );
  return rows
    .map(({ userId, name, repliesSent }) => ({
      userId,
      name,
      repliesSent,
      ticketsClosed: flow.get(userId)?.ticketsClosed ?? 0,
      firstResponse: flow.get(userId)?.firstResponse ?? noDurations,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}

/** The members the ticket flow named, as a uuid[] for the statement. */
function memberIds(ids: string[]) {
  if (ids.length === 0) return sql`'{}'::uuid[]`;
  return sql`array[${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}]`;
}

/**
 * Whether reply `r` is on a live ticket of the division and team. With neither chosen, the trash
 * alone can rule a reply out, since a merged ticket has no messages left (they move to the one it
 * was merged into): one hashed look at the trash instead of a look-up of every reply's ticket.
 */
function ofLiveTickets(scope: TenantScope, query: ReportQuery) {
  if (!query.divisionId && !query.teamId) {
    return sql`r.ticket_id not in (select d.id from tickets d where d.tenant_id = ${scope.tenantId} and d.deleted_at is not null)`;
  }
  return sql`exists (select from tickets t where t.id = r.ticket_id and ${liveTickets(scope, query)})`;
}
