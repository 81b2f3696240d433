import { and, count, eq, gt, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import { tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * Where a queue stands, for an open queue page to ask "has anything changed since?": its newest
 * ticket change and how many live tickets it holds. Every change of a ticket sets its `updated_at`;
 * the count catches what leaves or comes back without one (a ticket moved to the trash, restored).
 */
export interface QueueStamp {
  /** The queue's division; null for all of the tenant's tickets. */
  divisionId: string | null;
  /** The newest `updated_at` to the microsecond (ISO, UTC), exactly as stored; null with no tickets. */
  changedAt: string | null;
  tickets: number;
}

const live = (scope: TenantScope, divisionId: string | null) =>
  and(eq(tickets.tenantId, scope.tenantId), divisionId ? eq(tickets.divisionId, divisionId) : undefined, liveTicket());

/**
 * The stamp of the tenant's queue, or one division's. One index-only scan of the partial index on
 * live tickets (`tickets_activity_idx`, or `tickets_division_activity_idx` for a division): the
 * `liveTicket()` condition is what lets the planner use them.
 */
export async function latestQueueChange(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId?: string | null } = {},
): Promise<QueueStamp> {
  const divisionId = input.divisionId ?? null;
  const [row] = await tx
    .select({
      changedAt: sql<string | null>`to_char(max(${tickets.updatedAt}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      tickets: count(),
    })
    .from(tickets)
    .where(live(scope, divisionId));
  return { divisionId, changedAt: row?.changedAt ?? null, tickets: row?.tickets ?? 0 };
}

/**
 * What changed in a queue since a stamp an open page holds: null when nothing did, else the new
 * stamp and how many of its live tickets were created or changed since (a range of the same index).
 * A ticket that only left the queue changes the stamp with none counted.
 */
export async function queueChangesSince(
  tx: Executor,
  scope: TenantScope,
  since: QueueStamp,
): Promise<{ stamp: QueueStamp; changed: number } | null> {
  const stamp = await latestQueueChange(tx, scope, { divisionId: since.divisionId });
  if (stamp.changedAt === since.changedAt && stamp.tickets === since.tickets) return null;
  const [row] = await tx
    .select({ changed: count() })
    .from(tickets)
    .where(
      and(
        live(scope, since.divisionId),
        since.changedAt ? gt(tickets.updatedAt, sql`${since.changedAt}::timestamptz`) : undefined,
      ),
    );
  return { stamp, changed: row?.changed ?? 0 };
}
