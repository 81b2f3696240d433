import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { daysOf, fillDays } from "./days";
import type { ReportQuery, TicketsDay } from "./figures";
import { inRange, liveTickets, localDayOf } from "./filters";
import { selectRows } from "./rows";

/** Tickets created and closed per local day: two index range scans (created, closed) in one statement. */
export async function ticketsPerDay(tx: Executor, scope: TenantScope, query: ReportQuery): Promise<TicketsDay[]> {
  const rows = await selectRows<TicketsDay>(
    tx,
    sql`select day, sum(created)::int as created, sum(closed)::int as closed
      from (
        select ${localDayOf(sql`t.created_at`, query)} as day, 1 as created, 0 as closed
        from tickets t where ${liveTickets(scope, query)} and ${inRange(sql`t.created_at`, query)}
        union all
        select ${localDayOf(sql`t.closed_at`, query)}, 0, 1
        from tickets t where ${liveTickets(scope, query)} and t.closed_at is not null and ${inRange(sql`t.closed_at`, query)}
      ) happened
      group by day`,
  );
  return fillDays(daysOf(query.from, query.to), rows, (day) => ({ day, created: 0, closed: 0 }));
}
