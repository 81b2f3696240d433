import { and, asc, eq, gt, lt, ne, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { memberships, tickets, ticketViewers, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * Who else has a ticket open. Each open ticket page reports every 15 s or so; a row not renewed
 * within this window is nobody (the tab was closed, hidden or lost its connection).
 */
const VIEWER_WINDOW_SECONDS = 60;

const stale = sql`now() - make_interval(secs => ${VIEWER_WINDOW_SECONDS})`;

export interface OtherViewer {
  userId: string;
  name: string;
  replying: boolean;
}

/**
 * A member has the ticket open (and is writing a reply, or not) as of now. Their own rows gone stale
 * on other tickets are deleted on the way, so the table holds little more than the pages open now.
 * Only their own: no one else's report touches them, so two reports never wait on each other. A
 * ticket of another tenant is not recorded (the insert reads the ticket from this tenant).
 */
export async function reportViewing(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; ticketId: string; replying: boolean },
): Promise<void> {
  await tx
    .insert(ticketViewers)
    .select(
      tx
        .select({
          tenantId: tickets.tenantId,
          ticketId: tickets.id,
          userId: sql`${input.userId}::uuid`.as("user_id"),
          replying: sql`${input.replying}::boolean`.as("replying"),
          seenAt: sql`now()`.as("seen_at"),
        })
        .from(tickets)
        .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, input.ticketId))),
    )
    .onConflictDoUpdate({
      target: [ticketViewers.tenantId, ticketViewers.ticketId, ticketViewers.userId],
      set: { replying: input.replying, seenAt: sql`now()` },
    });
  await tx
    .delete(ticketViewers)
    .where(
      and(eq(ticketViewers.tenantId, scope.tenantId), eq(ticketViewers.userId, input.userId), lt(ticketViewers.seenAt, stale)),
    );
}

/** The other members who have had the ticket open within the last minute, by name. */
export async function othersViewing(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; ticketId: string },
): Promise<OtherViewer[]> {
  return tx
    .select({ userId: users.id, name: users.name, replying: ticketViewers.replying })
    .from(ticketViewers)
    .innerJoin(users, eq(users.id, ticketViewers.userId))
    // Someone removed from the company is nobody here, even within the minute.
    .innerJoin(memberships, and(eq(memberships.tenantId, scope.tenantId), eq(memberships.userId, ticketViewers.userId)))
    .where(
      and(
        eq(ticketViewers.tenantId, scope.tenantId),
        eq(ticketViewers.ticketId, input.ticketId),
        ne(ticketViewers.userId, input.userId),
        gt(ticketViewers.seenAt, stale),
      ),
    )
    .orderBy(asc(users.name), asc(users.id));
}
