"use server";

import { getDb } from "@/db";
import { currentUserId } from "@/lib/auth/session";
import { isLocale } from "@/lib/i18n/routing";
import { setUserLocale } from "@/lib/users/preferences";

/** Stores the language the signed-in user switched to; the next sign-in opens in it. */
export async function rememberLocale(locale: string): Promise<void> {
  const userId = await currentUserId();
  if (!userId || !isLocale(locale)) return;
  await setUserLocale(await getDb(), userId, locale);
}
