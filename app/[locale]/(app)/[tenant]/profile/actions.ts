"use server";

import { refresh } from "next/cache";
import { getDb } from "@/db";
import { changePassword } from "@/lib/accounts/password";
import { type ActionState, actionError, tenantAction } from "@/lib/auth/action";
import { currentSession } from "@/lib/auth/session";
import { formDataToObject } from "@/lib/forms";
import { notificationPreferencesSchema, setNotificationPreferences } from "@/lib/users/preferences";
import { profileSchema, updateProfile } from "@/lib/users/profile";

/**
 * Every member sets their own notifications, and only their own: the user is the session's, never
 * an id from the form.
 */
export const updateNotificationPreferencesAction = tenantAction(
  { schema: notificationPreferencesSchema, readOnly: true },
  (tx, ctx, preferences) => setNotificationPreferences(tx, ctx.user.id, preferences),
);

/** One's own name, language and signatures: the session's user, never an id from the form. */
export const updateProfileAction = tenantAction(
  { schema: profileSchema, readOnly: true },
  async (tx, ctx, profile) => {
    const saved = await updateProfile(tx, ctx.user.id, profile);
    // The name shows in the app's header too.
    refresh();
    return saved;
  },
);

/**
 * The signed-in person changes their own password. The account is the session's, not a company's:
 * no tenant is involved (so not `tenantAction`), and the sign-in throttle it touches is outside
 * every tenant's reach.
 */
export async function changePasswordAction(_previous: ActionState, input: FormData): Promise<ActionState> {
  const session = await currentSession();
  if (!session) return { error: "signedOut" };
  const form = formDataToObject(input);
  try {
    await changePassword(await getDb(), session, {
      currentPassword: typeof form.currentPassword === "string" ? form.currentPassword : "",
      newPassword: typeof form.newPassword === "string" ? form.newPassword : "",
    });
    return { ok: true };
  } catch (error) {
    return actionError(error);
  }
}
