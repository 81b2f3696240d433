import { and, eq, isNull } from "drizzle-orm";
import QRCode from "qrcode";
import { z } from "zod";
import type { Database } from "@/db/client";
import { recoveryCodes, users } from "@/db/schema";
import { markSessionTwoFactor, unmarkUserSessionsTwoFactor } from "@/lib/auth/sessions";
import { authenticate, throttledRefusal } from "@/lib/auth/sign-in";
import { checkTotpCode, hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri } from "@/lib/auth/totp";
import { hasTwoFactor } from "@/lib/auth/two-factor";
import { RuleError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/secrets";

/**
 * Turning two-step verification on and off for one's own account. On: a secret is made and shown
 * (QR code and text), and only a code from the authenticator together with the password turns it on,
 * so that nobody is asked for codes of an app that never got the secret. Off: the password and a
 * code (or a recovery code), so that a session left open is not enough to remove the second factor.
 */

export interface TwoFactorSetup {
  secret: string;
  uri: string;
  /** The otpauth:// address as an SVG QR code, in a data: URL (the pages' CSP allows data: images). */
  qrCode: string;
}

/** Starts (or starts again) enrolment: a new secret, sealed on the account until a code confirms it. */
export async function startTwoFactor(db: Database, userId: string): Promise<TwoFactorSetup> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new RuleError("signedOut");
  if (hasTwoFactor(user)) throw new RuleError("twoFactorAlreadyOn");
  const secret = newTotpSecret();
  await db
    .update(users)
    .set({ totpSecret: sealSecret(secret), totpEnabledAt: null, totpLastStep: null })
    .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)));
  const uri = totpUri(secret, user.email);
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { secret, uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

export const twoFactorProofSchema = z.object({
  password: z.string().min(1, "required").max(200, "tooLong"),
  code: z.string().trim().min(1, "required").max(40, "tooLong"),
});

/**
 * Confirms enrolment with the password (through the sign-in throttle) and a current code of the new
 * secret. Turns it on, replaces the recovery codes, and counts the session it was done from as
 * signed in with two factors (it has just shown both). Returns the recovery codes, shown this once.
 */
export async function confirmTwoFactor(
  db: Database,
  session: { userId: string; sessionId: string },
  input: z.input<typeof twoFactorProofSchema>,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const parsed = twoFactorProofSchema.parse(input);
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  if (!user) throw new RuleError("signedOut");
  if (hasTwoFactor(user)) throw new RuleError("twoFactorAlreadyOn");
  if (!user.totpSecret) throw new RuleError("twoFactorNotStarted");
  const password = await authenticate(db, { email: user.email, password: parsed.password, passwordOnly: true, now });
  if (!password.ok && password.reason === "throttled") throw throttledRefusal(password.retryAt, now);
  const code = checkTotpCode(openSecret(user.totpSecret), parsed.code, now, null);
  const fieldErrors = {
    ...(password.ok ? {} : { password: ["wrongPassword"] }),
    ...(code.ok ? {} : { code: ["wrongCode"] }),
  };
  if (!code.ok || Object.keys(fieldErrors).length > 0) throw new RuleError("invalidInput", fieldErrors);

  const codes = newRecoveryCodes();
  await db.transaction(async (tx) => {
    // Only the secret the code was checked against: a second "start" in another tab replaced it.
    const enabled = await tx
      .update(users)
      .set({ totpEnabledAt: now, totpLastStep: code.step })
      .where(and(eq(users.id, user.id), eq(users.totpSecret, user.totpSecret!), isNull(users.totpEnabledAt)))
      .returning({ id: users.id });
    if (enabled.length === 0) throw new RuleError("twoFactorNotStarted");
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId: user.id, codeHash: hashRecoveryCode(code) })));
    await markSessionTwoFactor(tx, session.sessionId);
  });
  return { recoveryCodes: codes };
}

/**
 * Turns two-step verification off, proven by the password and a code (or a recovery code), both
 * through the sign-in throttle. No session of the user counts as two-factor any more: a company
 * that requires it sends them to set it up again.
 */
export async function disableTwoFactor(
  db: Database,
  session: { userId: string },
  input: z.input<typeof twoFactorProofSchema>,
  now = new Date(),
): Promise<void> {
  const parsed = twoFactorProofSchema.parse(input);
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  if (!user) throw new RuleError("signedOut");
  if (!hasTwoFactor(user)) throw new RuleError("twoFactorAlreadyOff");
  const proof = await authenticate(db, { email: user.email, password: parsed.password, code: parsed.code, now });
  if (!proof.ok) {
    if (proof.reason === "throttled") throw throttledRefusal(proof.retryAt, now);
    throw new RuleError(
      "invalidInput",
      proof.reason === "invalidCode" ? { code: ["wrongCode"] } : { password: ["wrongPassword"] },
    );
  }
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await unmarkUserSessionsTwoFactor(tx, user.id);
  });
}
