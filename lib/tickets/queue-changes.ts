import { and, count, eq, gt, max, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import { auditLog, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * Where a queue stands, for an open queue page to ask "has anything changed since?". Every change
 * of a ticket sets its `updated_at`; a ticket that leaves the queue or comes back without one
 * (moved to the trash, restored, deleted for good) is in the audit log, like every change a member
 * makes. Both are read at the newest end of an index, so asking costs the same for ten tickets as
 * for a million (a count of the tickets would read them all, every few seconds, for every open queue).
 */
export interface QueueStamp {
  /** The queue's division; null for all of the tenant's tickets. */
  divisionId: string | null;
  /** The newest `updated_at` of its live tickets, to the microsecond (ISO, UTC); null with none. */
  changedAt: string | null;
  /** The tenant's newest audit entry, likewise. */
  recordedAt: string | null;
}

/** A time as Postgres holds it (microseconds), so that it can be compared again exactly. */
const exactly = (column: typeof tickets.updatedAt | typeof auditLog.createdAt) =>
  sql<string | null>`to_char(${max(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const live = (scope: TenantScope, divisionId: string | null) =>
  and(eq(tickets.tenantId, scope.tenantId), divisionId ? eq(tickets.divisionId, divisionId) : undefined, liveTicket());

/**
 * The stamp of the tenant's queue, or of one division's. `max(updated_at)` of live tickets is one
 * step into `tickets_activity_idx` (`tickets_division_activity_idx` for a division): the partial
 * indexes apply because the condition says `liveTicket()` as they do.
 */
export async function latestQueueChange(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId?: string | null } = {},
): Promise<QueueStamp> {
  const divisionId = input.divisionId ?? null;
  const [ticket] = await tx.select({ at: exactly(tickets.updatedAt) }).from(tickets).where(live(scope, divisionId));
  const [recorded] = await tx.select({ at: exactly(auditLog.createdAt) }).from(auditLog).where(eq(auditLog.tenantId, scope.tenantId));
  return { divisionId, changedAt: ticket?.at ?? null, recordedAt: recorded?.at ?? null };
}

/**
 * What changed in a queue since a stamp an open page holds: null when nothing did, else the new
 * stamp and how many of its live tickets were created or changed since (a range of the same index,
 * as short as the changes). A ticket that only left the queue moves the stamp with none counted.
 * A change committed after a later one was already seen (two transactions overlapping) waits for
 * the next change to show.
 */
export async function queueChangesSince(
  tx: Executor,
  scope: TenantScope,
  since: QueueStamp,
): Promise<{ stamp: QueueStamp; changed: number } | null> {
  const stamp = await latestQueueChange(tx, scope, { divisionId: since.divisionId });
  if (stamp.changedAt === since.changedAt && stamp.recordedAt === since.recordedAt) return null;
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
