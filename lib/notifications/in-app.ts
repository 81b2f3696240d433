import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Notification, notifications } from "@/db/schema";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { TenantScope } from "@/db/tenant";

/** The notifications page shows the newest this many. */
export const NOTIFICATIONS_PAGE_SIZE = 50;

/** Notifications belong to a person: the operator (CLI, jobs) has none to read. */
function readerOf(scope: TenantScope): string {
  if (!scope.userId) throw new ForbiddenError();
  return scope.userId;
}

function ofReader(scope: TenantScope) {
  return and(eq(notifications.tenantId, scope.tenantId), eq(notifications.userId, readerOf(scope)));
}

/** For the bell in the app shell. */
export async function countUnreadNotifications(tx: Executor, scope: TenantScope): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(notifications)
    .where(and(ofReader(scope), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** The signed-in member's notifications in this tenant, newest first, read and unread. */
export async function listNotifications(
  tx: Executor,
  scope: TenantScope,
  limit = NOTIFICATIONS_PAGE_SIZE,
): Promise<Notification[]> {
  return tx
    .select()
    .from(notifications)
    .where(ofReader(scope))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

/** Marks one of the member's own notifications read; another's (or another tenant's) is not found. */
export async function markNotificationRead(
  tx: Executor,
  scope: TenantScope,
  notificationId: string,
  now = new Date(),
): Promise<void> {
  const [existing] = await tx
    .select({ id: notifications.id, readAt: notifications.readAt })
    .from(notifications)
    .where(and(ofReader(scope), eq(notifications.id, notificationId)));
  if (!existing) throw new NotFoundError("notification");
  if (existing.readAt) return;
  await tx
    .update(notifications)
    .set({ readAt: now })
    .where(and(ofReader(scope), eq(notifications.id, notificationId)));
}

export async function markAllNotificationsRead(tx: Executor, scope: TenantScope, now = new Date()): Promise<number> {
  const updated = await tx
    .update(notifications)
    .set({ readAt: now })
    .where(and(ofReader(scope), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return updated.length;
}
