"use server";

import { tenantAction } from "@/lib/auth/action";
import { notificationPreferencesSchema, setNotificationPreferences } from "@/lib/users/preferences";

/**
 * Every member sets their own notifications, and only their own: the user is the session's, never
 * an id from the form.
 */
export const updateNotificationPreferencesAction = tenantAction(
  { schema: notificationPreferencesSchema },
  (tx, ctx, preferences) => setNotificationPreferences(tx, ctx.user.id, preferences),
);
