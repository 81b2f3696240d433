import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { type User, users } from "@/db/schema";
import { decoyPasswordHash, verifyPassword } from "./password";
import { clearFailures, lockedUntil, recordFailure } from "./throttle";

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Checks an email and password, throttling an address after repeated failures. */
export async function authenticate(
  db: Database,
  input: { email: string; password: string; now?: Date },
): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const email = normalizeEmail(input.email);
  const locked = await lockedUntil(db, email, now);
  if (locked) return { ok: false, reason: "throttled", retryAt: locked };

  const [user] = await db.select().from(users).where(eq(users.email, email));
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (user && valid) {
    await clearFailures(db, email);
    return { ok: true, user };
  }
  const lockEnd = await recordFailure(db, email, now);
  return lockEnd ? { ok: false, reason: "throttled", retryAt: lockEnd } : { ok: false, reason: "invalid" };
}
