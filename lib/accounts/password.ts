import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { passwordResets, users } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { hashLinkToken, newLinkToken } from "@/lib/auth/link-token";
import { hashPassword } from "@/lib/auth/password";
import { newPasswordProblems } from "@/lib/auth/password-strength";
import { revokeUserSessions } from "@/lib/auth/sessions";
import { authenticate, passwordAccepted, throttledRefusal } from "@/lib/auth/sign-in";
import { RuleError } from "@/lib/errors";
import { accountMailText } from "@/lib/i18n/mail-text";
import { accountMailsTo, queueAccountMail } from "@/lib/outbox/account-mail";
import { emailAddress } from "@/lib/tenants/sign-up";
import { ACCOUNT_MAILS_PER_HOUR, HOUR_MS } from "./limits";

/** A "forgot password" link works once, for this long. */
export const RESET_LINK_TTL_MS = HOUR_MS;

export const forgotPasswordSchema = z.object({ email: emailAddress });

/**
 * "Forgot password": mails the account's owner a link to choose a new password. The answer is the
 * same whether or not the address has an account (the page says "if there is an account, we sent a
 * link"). At most ACCOUNT_MAILS_PER_HOUR links an hour go to one address. Returns the mail to send
 * at once, if any.
 */
export async function requestPasswordReset(
  db: Database,
  input: z.input<typeof forgotPasswordSchema>,
  now = new Date(),
): Promise<{ mailId: string | null }> {
  const { email } = forgotPasswordSchema.parse(input);
  const { token, tokenHash } = newLinkToken();
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.email, email));
    if (!user) return { mailId: null };
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    if ((await accountMailsTo(tx, email, ["reset_password"], hourAgo)) >= ACCOUNT_MAILS_PER_HOUR) return { mailId: null };
    await tx.insert(passwordResets).values({ userId: user.id, tokenHash, expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MS) });
    const mail = accountMailText(user.locale, {
      kind: "reset_password",
      values: { link: appUrl(`/${user.locale}/reset-password/${token}`) },
    });
    return { mailId: await queueAccountMail(tx, { to: email, locale: user.locale, kind: "reset_password", ...mail }) };
  });
}

const validReset = (token: string, now: Date) =>
  and(eq(passwordResets.tokenHash, hashLinkToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now));

/** The address a reset link is for; null when the link is unknown, used or expired. */
export async function passwordResetFor(db: Database, token: string, now = new Date()): Promise<{ email: string } | null> {
  const [row] = await db
    .select({ email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(validReset(token, now));
  return row ?? null;
}

/**
 * Sets a new password from a reset link, which is then spent, with every other reset link of the
 * account. Whoever opened it reads the account's mail, so the account's sign-in throttle is lifted;
 * every session of the account ends, since whoever holds one may be why the password was reset.
 */
export async function resetPassword(
  db: Database,
  input: { token: string; password: string },
  now = new Date(),
): Promise<{ email: string }> {
  const [row] = await db
    .select({ user: users })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(validReset(input.token, now));
  if (!row) throw new RuleError("resetLinkInvalid");
  const { user } = row;
  const problems = newPasswordProblems(input.password, [user.email, user.name]);
  if (problems.length > 0) throw new RuleError("invalidInput", { password: problems });
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const [spent] = await tx.update(passwordResets).set({ usedAt: now }).where(validReset(input.token, now)).returning();
    if (!spent) throw new RuleError("resetLinkInvalid");
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await passwordAccepted(tx, user.email, null);
    await revokeUserSessions(tx, user.id);
  });
  return { email: user.email };
}

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "required").max(200, "tooLong"),
  newPassword: z.string(),
});

/**
 * A signed-in person changes their password, proving the current one: a session left open on
 * someone else's computer must not be enough to take the account. A wrong current password counts
 * towards the sign-in throttle, as a failed sign-in does. Every other session of the person ends:
 * a password is changed because someone else may know it.
 */
export async function changePassword(
  db: Database,
  { userId, sessionId }: { userId: string; sessionId: string },
  input: z.input<typeof changePasswordSchema>,
  now = new Date(),
): Promise<void> {
  const parsed = changePasswordSchema.parse(input);
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new RuleError("signedOut");
  const problems = newPasswordProblems(parsed.newPassword, [user.email, user.name]);
  const current = await authenticate(db, { email: user.email, password: parsed.currentPassword, passwordOnly: true, now });
  if (!current.ok && current.reason === "throttled") throw throttledRefusal(current.retryAt, now);
  const fieldErrors = {
    ...(current.ok ? {} : { currentPassword: ["wrongPassword"] }),
    ...(problems.length > 0 ? { newPassword: problems } : {}),
  };
  if (Object.keys(fieldErrors).length > 0) throw new RuleError("invalidInput", fieldErrors);
  const passwordHash = await hashPassword(parsed.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await revokeUserSessions(tx, user.id, { except: sessionId });
  });
}
