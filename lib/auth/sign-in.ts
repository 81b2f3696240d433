import { eq } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { type User, users } from "@/db/schema";
import { knownDevice } from "./device";
import { decoyPasswordHash, verifyPassword } from "./password";
import { RuleError } from "@/lib/errors";
import { admitAttemptFor, clearAttempts, type ThrottleKey } from "./throttle";
import { secondsUntil, waitMessage } from "./throttle-policy";

export type SignInResult =
  /** `deviceId`: the known device it came from, if any (its cookie is renewed, not replaced). */
  | { ok: true; user: User; deviceId: string | null }
  | { ok: false; reason: "invalid" }
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

/** Checks an email and password, throttled by `admitPasswordAttempt`. */
export async function authenticate(
  db: Database,
  input: { email: string; password: string; client?: SignInClient; now?: Date },
): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const email = normalizeEmail(input.email);
  const admitted = await admitPasswordAttempt(db, email, input.client, now);
  if (admitted.type === "refuse") return { ok: false, reason: "throttled", retryAt: admitted.retryAt };

  const [user] = await db.select().from(users).where(eq(users.email, email));
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !valid) return { ok: false, reason: "invalid" };
  await passwordAccepted(db, email, admitted.deviceId);
  return { ok: true, user, deviceId: admitted.deviceId };
}
