import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "@/db";
import { authOptions } from "./options";
import { openSessionRow } from "./sessions";
import type { SessionIdentity } from "./context";

export interface CurrentSession extends SessionIdentity {
  /** Its row in `sessions`: a password change ends the user's other sessions, not this one. */
  sessionId: string;
}

/**
 * The signed-in session, or null: the one place the web layer reads it. A cookie whose session was
 * ended (signed out, password changed, removed from a company) or that names none (issued before
 * sessions could be ended) is signed out. Cached per request: one lookup however many callers.
 */
export const currentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.userId || !session.sessionId) return null;
  const open = await openSessionRow(await getDb(), { sessionId: session.sessionId, userId: session.userId, now: new Date() });
  if (!open) return null;
  // Sessions from before single sign-on carry no method: they signed in with a password.
  return {
    userId: session.userId,
    sessionId: session.sessionId,
    signInMethod: session.signInMethod ?? "password",
    twoFactor: open.twoFactor,
  };
});

/** The id of the signed-in user, or null. */
export async function currentUserId(): Promise<string | null> {
  return (await currentSession())?.userId ?? null;
}
