import { and, eq, gt, lt, ne } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { sessions } from "@/db/schema";

/**
 * Sessions the server can end. The session cookie is a JWT that next-auth checks by its signature
 * alone; it names a row here, and a session whose row is gone or expired is signed out on the next
 * request, whatever the cookie says.
 */

export async function openSession(
  db: Executor,
  input: { userId: string; userAgent: string | null; now: Date; maxAgeMs: number; twoFactor?: boolean },
): Promise<string> {
  const [session] = await db
    .insert(sessions)
    .values({
      userId: input.userId,
      twoFactor: input.twoFactor ?? false,
      userAgent: input.userAgent?.slice(0, 500) ?? null,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.maxAgeMs),
    })
    .returning({ id: sessions.id });
  return session!.id;
}

/**
 * The session if it is still open for this user, else null: one lookup by primary key. What the row
 * says of the session (two factors) is the server's word, not the cookie's.
 */
export async function openSessionRow(
  db: Executor,
  input: { sessionId: string; userId: string; now: Date },
): Promise<{ twoFactor: boolean } | null> {
  const [open] = await db
    .select({ twoFactor: sessions.twoFactor })
    .from(sessions)
    .where(and(eq(sessions.id, input.sessionId), eq(sessions.userId, input.userId), gt(sessions.expiresAt, input.now)));
  return open ?? null;
}

/**
 * The session has just passed a second factor (its user enrolled in two-step verification from
 * it): it counts as signed in with two factors from now on.
 */
export async function markSessionTwoFactor(db: Executor, sessionId: string): Promise<void> {
  await db.update(sessions).set({ twoFactor: true }).where(eq(sessions.id, sessionId));
}

/** Two-step verification was turned off: none of the user's sessions counts as two-factor any more. */
export async function unmarkUserSessionsTwoFactor(db: Executor, userId: string): Promise<void> {
  await db.update(sessions).set({ twoFactor: false }).where(eq(sessions.userId, userId));
}

/** Signing out: this session ends at once. */
export async function endSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/**
 * Ends every session of a user, but `except` (the one changing the password keeps theirs). For a
 * password change and for a member removed from a company; inside a tenant's transaction the
 * sessions table's policy allows it only for that tenant's members.
 */
export async function revokeUserSessions(db: Executor, userId: string, options: { except?: string } = {}): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), options.except ? ne(sessions.id, options.except) : undefined))
    .returning({ id: sessions.id });
  return ended.length;
}

/** Rows of sessions that ran out: no cookie can use them any more. */
export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const expired = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  return expired.length;
}
