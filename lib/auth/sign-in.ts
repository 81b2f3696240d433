import { eq } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { type User, users } from "@/db/schema";
import { knownDevice } from "./device";
import { decoyPasswordHash, verifyPassword } from "./password";
import { RuleError } from "@/lib/errors";
import { acceptSecondFactor, hasTwoFactor } from "./two-factor";
import { admitAttemptFor, clearAttempts, type ThrottleKey } from "./throttle";
import { secondsUntil, waitMessage } from "./throttle-policy";

export type SignInResult =
  /**
   * `deviceId`: the known device it came from, if any (its cookie is renewed, not replaced).
   * `twoFactor`: a second factor was given and accepted.
   */
  | { ok: true; user: User; deviceId: string | null; twoFactor: boolean }
  | { ok: false; reason: "invalid" }
  /** The password was right, but the account has two-step verification and no code was given. */
  | { ok: false; reason: "codeRequired" }
  /** The password was right, the code was not (or was used already). */
  | { ok: false; reason: "invalidCode" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/** Where an attempt comes from, as far as the throttle is concerned. */
export interface SignInClient {
  /** From lib/auth/client-address.ts; null when unknown (the CLI, a test). */
  address: string | null;
  /** The known-device cookie the browser sent, if any. */
  deviceCookie?: string;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Admits or refuses an attempt at `email`'s password before the password is checked, counting it as
 * a failure until `passwordAccepted` says otherwise: from a device known for this account by the
 * device's own count, otherwise by the client address's count and then the account's. An unknown
 * email is throttled like a known one, so the throttle does not tell who has an account. Sign-in,
 * accepting an invitation with an existing account and changing a password all go through it.
 */
export async function admitPasswordAttempt(
  db: Executor,
  email: string,
  client: SignInClient | undefined,
  now: Date,
): Promise<{ type: "admit"; deviceId: string | null } | { type: "refuse"; retryAt: Date }> {
  const deviceId = knownDevice(client?.deviceCookie, email);
  const keys: ThrottleKey[] = deviceId
    ? [{ kind: "device", subject: deviceId }]
    : [...(client?.address ? [{ kind: "address" as const, subject: client.address }] : []), { kind: "account", subject: email }];
  const admitted = await admitAttemptFor(db, keys, now);
  return admitted.type === "refuse" ? admitted : { type: "admit", deviceId };
}

/** The attempt was right: the account's (and device's) count starts again. */
export async function passwordAccepted(db: Executor, email: string, deviceId: string | null): Promise<void> {
  // The address keeps its count: one right password must not buy a sprayer a fresh allowance.
  await clearAttempts(db, [{ kind: "account", subject: email }, ...(deviceId ? [{ kind: "device" as const, subject: deviceId }] : [])]);
}

/** A refused attempt, in the words the forms show: how long to wait. */
export function throttledRefusal(retryAt: Date, now: Date): RuleError {
  const wait = waitMessage(secondsUntil(retryAt, now));
  return new RuleError(wait.key, {}, wait.values);
}

/**
 * Checks an email and password, and for an account with two-step verification a code, throttled by
 * `admitPasswordAttempt`: every attempt counts as a failure until both factors are right, so
 * guesses at a code are held back exactly as guesses at a password are, by the same atomic count.
 * `passwordOnly`: a signed-in person proving their password again (to change it), whose session
 * already passed the second factor.
 */
export async function authenticate(
  db: Database,
  input: { email: string; password: string; code?: string; passwordOnly?: boolean; client?: SignInClient; now?: Date },
): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const email = normalizeEmail(input.email);
  const admitted = await admitPasswordAttempt(db, email, input.client, now);
  if (admitted.type === "refuse") return { ok: false, reason: "throttled", retryAt: admitted.retryAt };

  const [user] = await db.select().from(users).where(eq(users.email, email));
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !valid) return { ok: false, reason: "invalid" };
  const twoFactor = !input.passwordOnly && hasTwoFactor(user);
  if (twoFactor) {
    if (!input.code?.trim()) return { ok: false, reason: "codeRequired" };
    const second = await acceptSecondFactor(db, user, input.code, now);
    if (!second.ok) return { ok: false, reason: "invalidCode" };
  }
  await passwordAccepted(db, email, admitted.deviceId);
  return { ok: true, user, deviceId: admitted.deviceId, twoFactor };
}
