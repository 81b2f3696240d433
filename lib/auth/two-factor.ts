import { and, count, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { recoveryCodes, type User, users } from "@/db/schema";
import { openSecret } from "@/lib/secrets";
import { checkTotpCode, hashRecoveryCode, looksLikeRecoveryCode } from "./totp";

/**
 * Two-step verification of an account, against the database: whether it is on, and accepting a
 * second factor (a code from the authenticator, or a recovery code) exactly once. Enrolling and
 * turning it off are lib/accounts/two-factor.ts.
 */

export function hasTwoFactor(user: Pick<User, "totpSecret" | "totpEnabledAt">): boolean {
  return user.totpSecret !== null && user.totpEnabledAt !== null;
}

export async function twoFactorStatus(db: Executor, userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  const [user] = await db
    .select({ totpSecret: users.totpSecret, totpEnabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || !hasTwoFactor(user)) return { enabled: false, recoveryCodesLeft: 0 };
  const [left] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { enabled: true, recoveryCodesLeft: left?.n ?? 0 };
}

export type SecondFactorResult = { ok: true; via: "totp" | "recoveryCode" } | { ok: false; reason: "wrong" | "reused" };

/**
 * Accepts `code` as `user`'s second factor, at most once: a code from the authenticator whose step
 * is after the last one used (the step is written only if no other request wrote a later or equal
 * one first), or an unused recovery code (spent in the same statement that finds it). Two requests
 * racing with one code therefore cannot both succeed.
 */
export async function acceptSecondFactor(db: Executor, user: User, code: string, now: Date): Promise<SecondFactorResult> {
  if (!hasTwoFactor(user)) return { ok: false, reason: "wrong" };
  if (looksLikeRecoveryCode(code)) {
    const spent = await db
      .update(recoveryCodes)
      .set({ usedAt: now })
      .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, hashRecoveryCode(code)), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    return spent.length > 0 ? { ok: true, via: "recoveryCode" } : { ok: false, reason: "wrong" };
  }
  const check = checkTotpCode(openSecret(user.totpSecret!), code, now, user.totpLastStep);
  if (!check.ok) return check;
  const recorded = await db
    .update(users)
    .set({ totpLastStep: check.step })
    .where(
      and(eq(users.id, user.id), isNotNull(users.totpEnabledAt), or(isNull(users.totpLastStep), lt(users.totpLastStep, check.step))),
    )
    .returning({ id: users.id });
  return recorded.length > 0 ? { ok: true, via: "totp" } : { ok: false, reason: "reused" };
}
