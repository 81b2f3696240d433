import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { users } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";
import { checkbox } from "@/lib/forms";
import { isLocale, type Locale } from "@/lib/i18n/routing";

/** Remembers the language a user chose; it is where they land after the next sign-in. */
export async function setUserLocale(db: Executor, userId: string, locale: Locale): Promise<void> {
  if (!isLocale(locale)) return;
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

export async function getUserLocale(db: Executor, userId: string): Promise<Locale | null> {
  const [user] = await db.select({ locale: users.locale }).from(users).where(eq(users.id, userId));
  return user && isLocale(user.locale) ? user.locale : null;
}

/** Which emails a user wants from Postdesk; a user's own, the same in every company they belong to. */
export const notificationPreferencesSchema = z.object({
  notifyUnprocessed: checkbox,
  notifyNewTicket: checkbox,
  notifyAssignment: checkbox,
});
export type NotificationPreferences = z.output<typeof notificationPreferencesSchema>;

const preferenceColumns = {
  notifyUnprocessed: users.notifyUnprocessed,
  notifyNewTicket: users.notifyNewTicket,
  notifyAssignment: users.notifyAssignment,
};

/**
 * In a tenant's transaction row-level security shows only that tenant's members: another user is
 * not found, as if they did not exist.
 */
export async function getNotificationPreferences(db: Executor, userId: string): Promise<NotificationPreferences> {
  const [preferences] = await db.select(preferenceColumns).from(users).where(eq(users.id, userId));
  if (!preferences) throw new NotFoundError("user");
  return preferences;
}

export async function setNotificationPreferences(
  db: Executor,
  userId: string,
  preferences: NotificationPreferences,
): Promise<NotificationPreferences> {
  const [updated] = await db
    .update(users)
    .set({
      notifyUnprocessed: preferences.notifyUnprocessed,
      notifyNewTicket: preferences.notifyNewTicket,
      notifyAssignment: preferences.notifyAssignment,
    })
    .where(eq(users.id, userId))
    .returning(preferenceColumns);
  if (!updated) throw new NotFoundError("user");
  return updated;
}
