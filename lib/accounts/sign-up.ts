import { and, eq, gt, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { pendingSignUps, users } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { hashLinkToken, newLinkToken } from "@/lib/auth/link-token";
import { hashPassword } from "@/lib/auth/password";
import { RuleError } from "@/lib/errors";
import { accountMailText } from "@/lib/i18n/mail-text";
import { isLocale } from "@/lib/i18n/routing";
import { accountMailsTo, queueAccountMail } from "@/lib/outbox/account-mail";
import { createCompany, type SignUpData } from "@/lib/tenants/sign-up";
import { ACCOUNT_MAILS_PER_HOUR, HOUR_MS } from "./limits";

/** A sign-up's link works once, for this long. */
export const SIGN_UP_LINK_TTL_MS = 24 * HOUR_MS;

/**
 * Someone signs a company up on the web. Nothing is created yet: the owner must first open the link
 * mailed to the address. The answer is the same whether or not the address has an account (the
 * page says "we sent a link"): a new address gets the link, one with an account gets a mail saying
 * so, with links to sign in and to reset the password. The password is hashed either way, so the
 * time taken does not tell either. At most ACCOUNT_MAILS_PER_HOUR such mails go to one address an
 * hour, so the form cannot flood someone's inbox; past that, nothing is sent, and the page says the
 * same. `input` has passed signUpSchema. Returns the mail to send at once, if any.
 */
export async function requestSignUp(db: Database, input: SignUpData, now = new Date()): Promise<{ mailId: string | null }> {
  const passwordHash = await hashPassword(input.password);
  const { token, tokenHash } = newLinkToken();
  return db.transaction(async (tx) => {
    await tx.delete(pendingSignUps).where(lte(pendingSignUps.expiresAt, now));
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    if ((await accountMailsTo(tx, input.email, ["verify_sign_up", "account_exists"], hourAgo)) >= ACCOUNT_MAILS_PER_HOUR) {
      return { mailId: null };
    }
    const [user] = await tx
      .select({ locale: users.locale })
      .from(users)
      .where(eq(users.email, input.email));
    if (user) {
      const mail = accountMailText(user.locale, {
        kind: "account_exists",
        values: {
          signInLink: appUrl(`/${user.locale}/sign-in?email=${encodeURIComponent(input.email)}`),
          resetLink: appUrl(`/${user.locale}/forgot-password`),
        },
      });
      return { mailId: await queueAccountMail(tx, { to: input.email, locale: user.locale, kind: "account_exists", ...mail }) };
    }
    await tx.insert(pendingSignUps).values({
      tokenHash,
      email: input.email,
      passwordHash,
      companyName: input.companyName,
      personName: input.adminName,
      locale: input.locale,
      expiresAt: new Date(now.getTime() + SIGN_UP_LINK_TTL_MS),
    });
    const mail = accountMailText(input.locale, {
      kind: "verify_sign_up",
      values: { company: input.companyName, link: appUrl(`/${input.locale}/sign-up/verify/${token}`) },
    });
    return { mailId: await queueAccountMail(tx, { to: input.email, locale: input.locale, kind: "verify_sign_up", ...mail }) };
  });
}

/** What the confirmation page shows for a sign-up's link; null when it is unknown, used or expired. */
export async function pendingSignUp(
  db: Database,
  token: string,
  now = new Date(),
): Promise<{ email: string; companyName: string } | null> {
  const [row] = await db
    .select({ email: pendingSignUps.email, companyName: pendingSignUps.companyName })
    .from(pendingSignUps)
    .where(and(eq(pendingSignUps.tokenHash, hashLinkToken(token)), gt(pendingSignUps.expiresAt, now)));
  return row ?? null;
}

export type CompletedSignUp =
  | { type: "created"; email: string; tenantSlug: string }
  /** Unknown, used or expired. */
  | { type: "invalid" }
  /** The address got an account after the sign-up was asked for: nothing is created. */
  | { type: "emailTaken"; email: string };

/**
 * The owner opened the link and confirmed: the company, its owner (with the password chosen at
 * sign-up) and its first division come to be, and the link is spent, in one transaction. A POST,
 * never the GET of the link: mail scanners open links in mail to look at them.
 */
export async function completeSignUp(
  db: Database,
  input: { token: string; firstDivisionName: string },
  now = new Date(),
): Promise<CompletedSignUp> {
  let email = "";
  try {
    return await db.transaction(async (tx) => {
      const [pending] = await tx
        .delete(pendingSignUps)
        .where(and(eq(pendingSignUps.tokenHash, hashLinkToken(input.token)), gt(pendingSignUps.expiresAt, now)))
        .returning();
      if (!pending) return { type: "invalid" } as const;
      email = pending.email;
      const { tenant } = await createCompany(tx, {
        companyName: pending.companyName,
        adminName: pending.personName,
        email: pending.email,
        passwordHash: pending.passwordHash,
        locale: isLocale(pending.locale) ? pending.locale : "en",
        firstDivisionName: input.firstDivisionName,
      });
      return { type: "created", email: pending.email, tenantSlug: tenant.slug } as const;
    });
  } catch (error) {
    if (error instanceof RuleError && error.fieldErrors.email?.includes("emailTaken")) return { type: "emailTaken", email };
    throw error;
  }
}
