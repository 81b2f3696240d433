import type { Executor } from "@/db/client";
import { deleteExpiredSessions } from "./sessions";
import { pruneSignInAttempts } from "./throttle";

/** The hourly sign-in chore: expired sessions and throttle records nobody needs go, so neither table grows without end. */
export async function forgetSignIns(db: Executor, input: { now: Date }) {
  const attempts = await pruneSignInAttempts(db, input.now);
  const sessions = await deleteExpiredSessions(db, input.now);
  return { attempts, sessions };
}
