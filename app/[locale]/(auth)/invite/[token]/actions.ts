"use server";

import { getDb } from "@/db";
import { type ActionState, actionError } from "@/lib/auth/action";
import { formDataToObject } from "@/lib/forms";
import { isLocale } from "@/lib/i18n/routing";
import { acceptInvite, inviteDetails } from "@/lib/members/invites";
import { getUserLocale, setUserLocale } from "@/lib/users/preferences";

export interface AcceptedInvite {
  email: string;
  tenantSlug: string;
  /** The language to land in: a new member's is the page's, someone with an account keeps theirs. */
  locale: string;
}

/** Accepts an invitation from its link. Not tenant-scoped: the link itself is the permission. */
export async function acceptInviteAction(
  locale: string,
  token: string,
  input: FormData,
): Promise<ActionState<AcceptedInvite>> {
  const form = formDataToObject(input);
  try {
    const db = await getDb();
    const details = await inviteDetails(db, token);
    if (!details) return { error: "inviteInvalid" };
    const accepted = await acceptInvite(db, {
      token,
      name: typeof form.name === "string" ? form.name : undefined,
      password: typeof form.password === "string" ? form.password : "",
    });
    if (!details.existingUser && isLocale(locale)) await setUserLocale(db, accepted.userId, locale);
    const language = (await getUserLocale(db, accepted.userId)) ?? locale;
    return { ok: true, result: { email: accepted.email, tenantSlug: accepted.tenantSlug, locale: language } };
  } catch (error) {
    return actionError(error);
  }
}
