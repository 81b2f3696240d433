import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { signInIdentities, type User, users } from "@/db/schema";
import type { OAuthProviderId } from "@/lib/oauth/providers";
import { normalizeEmail } from "./sign-in";

/**
 * Staff sign-in with a provider (single sign-on). Nobody gets an account this way: a provider
 * account reaches Postdesk only through a user who already exists (signed up or invited), and the
 * first time only by an email address the provider vouches for. From then on the link holds by the
 * provider's subject, so a later change of address at the provider neither breaks it nor moves it
 * to another user.
 *
 * 1. `verifiedEmailOf`: the address the provider vouches for, or none.
 * 2. `linkSignIn`: the user already linked to this provider account, else the user with that
 *    verified address, linked now; else a refusal saying why.
 */

/** What a provider says about the account that signed in: its ID token's claims. */
export interface ProviderProfile {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  /** Microsoft's optional claim "email domain owner verified": its ID tokens carry no email_verified. */
  xms_edov?: unknown;
}

/**
 * The address only when the provider says it checked it. Google and any OpenID Connect provider
 * say so with `email_verified` (OpenID Connect Core §5.1). Microsoft's `email` claim is whatever a
 * tenant admin typed unless the app registration asks for the `xms_edov` claim, which says the
 * address's domain belongs to the user's organization.
 */
export function verifiedEmailOf(provider: OAuthProviderId, profile: ProviderProfile): string | null {
  if (typeof profile.email !== "string" || !profile.email.includes("@")) return null;
  const verified = provider === "microsoft" ? isTrue(profile.xms_edov) || isTrue(profile.email_verified) : isTrue(profile.email_verified);
  return verified ? normalizeEmail(profile.email) : null;
}

/** Some providers send booleans as strings ("true"), which OpenID Connect allows for claims. */
function isTrue(claim: unknown): boolean {
  return claim === true || claim === "true";
}

export type LinkedSignIn =
  | { type: "ok"; user: User; linkedNow: boolean }
  /** The provider does not vouch for the address: linking by it would let anyone claim any account. */
  | { type: "unverified" }
  /** No Postdesk user has this address: sign-up or an invitation comes first. */
  | { type: "noAccount" };

export async function linkSignIn(
  db: Executor,
  provider: OAuthProviderId,
  profile: ProviderProfile,
  now: Date,
): Promise<LinkedSignIn> {
  const linked = await userOfIdentity(db, provider, profile.sub);
  if (linked) {
    await db
      .update(signInIdentities)
      .set({ lastUsedAt: now })
      .where(and(eq(signInIdentities.provider, provider), eq(signInIdentities.subject, profile.sub)));
    return { type: "ok", user: linked, linkedNow: false };
  }
  const email = verifiedEmailOf(provider, profile);
  if (!email) return { type: "unverified" };
  const [user] = await db.select().from(users).where(eq(users.email, email));
  if (!user) return { type: "noAccount" };
  // Two first sign-ins at once both link the same subject: the unique key keeps one row.
  await db
    .insert(signInIdentities)
    .values({ userId: user.id, provider, subject: profile.sub, email, linkedAt: now, lastUsedAt: now })
    .onConflictDoNothing();
  return { type: "ok", user, linkedNow: true };
}

/** The user a provider account is linked to, or null before its first sign-in. */
export async function userOfIdentity(db: Executor, provider: OAuthProviderId, subject: string): Promise<User | null> {
  const [row] = await db
    .select({ user: users })
    .from(signInIdentities)
    .innerJoin(users, eq(users.id, signInIdentities.userId))
    .where(and(eq(signInIdentities.provider, provider), eq(signInIdentities.subject, subject)));
  return row?.user ?? null;
}
