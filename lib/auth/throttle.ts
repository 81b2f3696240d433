import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { signInFailures } from "@/db/schema";

/** After this many failed sign-ins within the window, the address is locked for the lock time. */
export const THROTTLE = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
} as const;

export async function lockedUntil(db: Executor, email: string, now: Date): Promise<Date | null> {
  const [row] = await db.select().from(signInFailures).where(eq(signInFailures.email, email));
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/** Counts one failure; returns the lock's end when this failure locked the address. */
export async function recordFailure(db: Executor, email: string, now: Date): Promise<Date | null> {
  // Dates inside raw `sql` skip drizzle's column mapping, and postgres.js then refuses a Date
  // object: they go in as ISO strings.
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs).toISOString();
  const lockEnd = new Date(now.getTime() + THROTTLE.lockMs);
  // One statement, so concurrent failures cannot undercount.
  const [row] = await db
    .insert(signInFailures)
    .values({ email, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: signInFailures.email,
      set: {
        failures: sql`case when ${signInFailures.windowStartedAt} < ${windowStart} then 1 else ${signInFailures.failures} + 1 end`,
        windowStartedAt: sql`case when ${signInFailures.windowStartedAt} < ${windowStart} then ${now.toISOString()}::timestamptz else ${signInFailures.windowStartedAt} end`,
      },
    })
    .returning();
  if (row && row.failures >= THROTTLE.maxFailures) {
    await db
      .update(signInFailures)
      .set({ lockedUntil: lockEnd, failures: 0, windowStartedAt: now })
      .where(eq(signInFailures.email, email));
    return lockEnd;
  }
  return null;
}

export async function clearFailures(db: Executor, email: string): Promise<void> {
  await db.delete(signInFailures).where(eq(signInFailures.email, email));
}
