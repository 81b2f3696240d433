import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { signInAttempts } from "@/db/schema";
import {
  type AttemptDecision,
  decideAttempt,
  LONGEST_THROTTLE_WINDOW_MS,
  THROTTLE,
  type ThrottleKind,
} from "./throttle-policy";

/**
 * The throttle's records (sign_in_attempts): one row per key, its failures so far. An attempt is
 * admitted or refused before its password is checked, and an admitted one is counted as a failure
 * at once; a success then clears the account's count (clearAttempts).
 */

/** At most this many rows are kept: an attacker inventing addresses and accounts cannot grow the table without end. */
export const MAX_THROTTLE_ROWS = 100_000;

export interface ThrottleKey {
  kind: ThrottleKind;
  /** The normalized email, the client address, or the device id. */
  subject: string;
}

const keyOf = ({ kind, subject }: ThrottleKey) => `${kind}:${subject}`;

/**
 * Decides one attempt for one key and counts it, atomically: the count is written only if the row is
 * still what the decision was made on (compare and set), so two attempts that read the same count
 * cannot both be admitted on it; the one that loses decides again on the newer count. Thirty
 * parallel guesses therefore get exactly the free allowance through.
 */
export async function admitAttempt(db: Executor, key: ThrottleKey, now: Date): Promise<AttemptDecision> {
  const id = keyOf(key);
  while (true) {
    const [record] = await db.select().from(signInAttempts).where(eq(signInAttempts.key, id));
    const decision = decideAttempt(record ?? null, now, THROTTLE[key.kind]);
    if (decision.type === "refuse") return decision;
    const counted = record
      ? await db
          .update(signInAttempts)
          .set({ failures: decision.failures, lastFailureAt: now })
          .where(
            and(
              eq(signInAttempts.key, id),
              eq(signInAttempts.failures, record.failures),
              eq(signInAttempts.lastFailureAt, record.lastFailureAt),
            ),
          )
          .returning({ key: signInAttempts.key })
      : await db
          .insert(signInAttempts)
          .values({ key: id, failures: decision.failures, lastFailureAt: now })
          .onConflictDoNothing()
          .returning({ key: signInAttempts.key });
    if (counted.length > 0) return decision;
  }
}

/** Admits an attempt only if every key admits it, in order: a key that refuses stops the rest from counting. */
export async function admitAttemptFor(db: Executor, keys: ThrottleKey[], now: Date): Promise<AttemptDecision> {
  let admitted: AttemptDecision = { type: "admit", failures: 0 };
  for (const key of keys) {
    admitted = await admitAttempt(db, key, now);
    if (admitted.type === "refuse") return admitted;
  }
  return admitted;
}

/** A success: the keys' failures are forgotten. */
export async function clearAttempts(db: Executor, keys: ThrottleKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db.delete(signInAttempts).where(inArray(signInAttempts.key, keys.map(keyOf)));
}

/**
 * Keeps the table bounded: rows no policy remembers any more go, and beyond the cap the oldest go
 * too (their keys start afresh, which only an attacker filling the table gains from).
 */
export async function pruneSignInAttempts(db: Executor, now: Date): Promise<{ expired: number; overCap: number }> {
  const expired = await db
    .delete(signInAttempts)
    .where(lt(signInAttempts.lastFailureAt, new Date(now.getTime() - LONGEST_THROTTLE_WINDOW_MS)))
    .returning({ key: signInAttempts.key });
  const beyondCap = db
    .select({ key: signInAttempts.key })
    .from(signInAttempts)
    .orderBy(desc(signInAttempts.lastFailureAt))
    .offset(MAX_THROTTLE_ROWS);
  const overCap = await db
    .delete(signInAttempts)
    .where(inArray(signInAttempts.key, beyondCap))
    .returning({ key: signInAttempts.key });
  return { expired: expired.length, overCap: overCap.length };
}
