import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import type { SignInMethod } from "./sign-in-policy";

export interface CurrentSession {
  userId: string;
  /** Sessions from before single sign-on carry no method: they signed in with a password. */
  signInMethod: SignInMethod;
}

/** The signed-in session, or null: the one place the web layer reads it. */
export async function currentSession(): Promise<CurrentSession | null> {
  const session = await getServerSession(authOptions());
  if (!session?.userId) return null;
  return { userId: session.userId, signInMethod: session.signInMethod ?? "password" };
}

/** The id of the signed-in user, or null. */
export async function currentUserId(): Promise<string | null> {
  return (await currentSession())?.userId ?? null;
}
