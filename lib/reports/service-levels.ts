import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import type { ReportQuery, TargetShare } from "./figures";
import { inRange, liveTickets, timestampOf } from "./filters";
import { selectRows } from "./rows";

/**
 * The share of targets met. A ticket counts for a target when its due time fell in the range, or
 * when it met the target in the range. Met: done by the due time. Missed: done late, or not done
 * and past due now. The due times were stamped on each ticket through its division's business hours
 * and holidays, so a Friday-evening ticket answered Monday 09:15 and due Monday 09:30 is met.
 *
 * The first response is done when the first reply is sent. A ticket closed without any reply has
 * nothing to be late with once closed (its target stops running, as sla_due_at does), unless it was
 * already past due when closed: then it was missed. Resolution is done when the ticket is closed.
 */
export async function serviceLevels(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
  now: Date,
): Promise<{ firstResponse: TargetShare; resolution: TargetShare }> {
  const [firstResponse, resolution] = await Promise.all([
    targetShare(tx, scope, query, now, { due: sql`t.first_response_due_at`, done: sql`t.first_response_at` }),
    targetShare(tx, scope, query, now, { due: sql`t.resolution_due_at`, done: sql`t.closed_at` }),
  ]);
  return { firstResponse, resolution };
}

async function targetShare(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
  now: Date,
  { due, done }: { due: SQL; done: SQL },
): Promise<TargetShare> {
  // Not done yet: still running until now, or, closed without it, until it was closed.
  const stopped = sql`coalesce(${done}, t.closed_at, ${timestampOf(now)})`;
  const [row] = await selectRows<{ met: number; missed: number }>(
    tx,
    sql`select count(*) filter (where ${done} <= ${due})::int as met,
        count(*) filter (where ${done} > ${due} or (${done} is null and ${stopped} > ${due}))::int as missed
      from tickets t
      where ${liveTickets(scope, query)} and ${due} is not null
        and (${inRange(due, query)} or (${done} is not null and ${inRange(done, query)} and ${done} <= ${due}))`,
  );
  const met = row?.met ?? 0;
  const missed = row?.missed ?? 0;
  return { met, missed, share: met + missed === 0 ? null : met / (met + missed) };
}
