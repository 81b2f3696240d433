import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { type User, users } from "@/db/schema";
import { knownDevice } from "./device";
import { decoyPasswordHash, verifyPassword } from "./password";
import { admitAttemptFor, clearAttempts, type ThrottleKey } from "./throttle";

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
 * Checks an email and password. The throttle admits or refuses the attempt before the password is
 * checked: from a device known for this account by the device's own count, otherwise by the client
 * address's count and then the account's. An unknown email is throttled like a known one, so the
 * throttle does not tell who has an account.
 */
export async function authenticate(
  db: Database,
  input: { email: string; password: string; client?: SignInClient; now?: Date },
): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const email = normalizeEmail(input.email);
  const deviceId = knownDevice(input.client?.deviceCookie, email);
  const keys: ThrottleKey[] = deviceId
    ? [{ kind: "device", subject: deviceId }]
    : [
        ...(input.client?.address ? [{ kind: "address" as const, subject: input.client.address }] : []),
        { kind: "account", subject: email },
      ];
  const admitted = await admitAttemptFor(db, keys, now);
  if (admitted.type === "refuse") return { ok: false, reason: "throttled", retryAt: admitted.retryAt };

  const [user] = await db.select().from(users).where(eq(users.email, email));
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !valid) return { ok: false, reason: "invalid" };
  // The address keeps its count: one right password must not buy a sprayer a fresh allowance.
  await clearAttempts(db, [{ kind: "account", subject: email }, ...(deviceId ? [{ kind: "device" as const, subject: deviceId }] : [])]);
  return { ok: true, user, deviceId };
}
