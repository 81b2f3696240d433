import { getServerSession } from "next-auth";
import { authOptions } from "./options";

/** The id of the signed-in user, or null: the one place the web layer reads the session. */
export async function currentUserId(): Promise<string | null> {
  const session = await getServerSession(authOptions());
  return session?.userId || null;
}
