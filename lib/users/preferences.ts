import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { users } from "@/db/schema";
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
