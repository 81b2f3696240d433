import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { memberships, type Role, tenants, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import type { OAuthProviderId } from "@/lib/oauth/providers";
import { meetsSignInPolicy, meetsTwoFactorPolicy, type SignInMethod } from "./sign-in-policy";
import { hasTwoFactor } from "./two-factor";

/** What the tenant doors need of a session: who signed in, and how. */
export interface SessionIdentity {
  userId: string;
  signInMethod: SignInMethod;
  /** Signed in with a second factor (absent: it was not). */
  twoFactor?: boolean;
}

/** Who is acting, in which tenant, with which role: handed to every page and server action. */
export interface TenantContext {
  user: { id: string; email: string; name: string; locale: string };
  tenant: { id: string; slug: string; name: string; requiredSignIn: OAuthProviderId | null; requireTwoFactor: boolean };
  role: Role;
  mayPurge: boolean;
  mayReadOthersMailboxes: boolean;
  /** How this session signed in: what the company's required sign-in is checked against. */
  signInMethod: SignInMethod;
  /** The session signed in with a second factor: what the company's two-step rule is checked against. */
  twoFactor: boolean;
  /** The user has two-step verification on (whatever this session did). */
  userHasTwoFactor: boolean;
}

/** The session user's membership in the tenant named by `slug`, or null when there is none. */
export async function resolveTenantContext(
  db: Executor,
  session: SessionIdentity,
  slug: string,
): Promise<TenantContext | null> {
  const { userId } = session;
  const [row] = await db
    .select({ user: users, tenant: tenants, membership: memberships })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, userId), eq(tenants.slug, slug), isNull(memberships.deactivatedAt)));
  if (!row) return null;
  return {
    user: { id: row.user.id, email: row.user.email, name: row.user.name, locale: row.user.locale },
    tenant: {
      id: row.tenant.id,
      slug: row.tenant.slug,
      name: row.tenant.name,
      requiredSignIn: row.tenant.requiredSignIn,
      requireTwoFactor: row.tenant.requireTwoFactor,
    },
    role: row.membership.role,
    mayPurge: row.membership.mayPurge,
    mayReadOthersMailboxes: row.membership.mayReadOthersMailboxes,
    signInMethod: session.signInMethod,
    twoFactor: session.twoFactor ?? false,
    userHasTwoFactor: hasTwoFactor(row.user),
  };
}

export type TenantAccess =
  | { type: "ok"; ctx: TenantContext }
  /** Not a member, or no such company: the same answer, so slugs of other companies cannot be probed. */
  | { type: "notFound" }
  /** A member, but the company requires signing in with `provider` and this session did not. */
  | { type: "signInRequired"; provider: OAuthProviderId; tenantName: string }
  /**
   * A member, but the company requires two-step verification and this session signed in with a
   * password alone: `enrolled` says whether the user has it (sign in again) or not (set it up).
   * `email`: the user's, for the password manager of the form that sets it up.
   */
  | { type: "twoFactorRequired"; enrolled: boolean; tenantName: string; email: string };

/** The session's way into the company named by `slug`: both doors (pages and actions) ask this. */
export async function tenantAccess(
  db: Executor,
  session: SessionIdentity,
  slug: string,
  configured: readonly OAuthProviderId[],
): Promise<TenantAccess> {
  const ctx = await resolveTenantContext(db, session, slug);
  if (!ctx) return { type: "notFound" };
  const required = ctx.tenant.requiredSignIn;
  if (required && !meetsSignInPolicy(required, session.signInMethod, configured)) {
    return { type: "signInRequired", provider: required, tenantName: ctx.tenant.name };
  }
  if (!meetsTwoFactorPolicy(ctx.tenant.requireTwoFactor, session)) {
    return { type: "twoFactorRequired", enrolled: ctx.userHasTwoFactor, tenantName: ctx.tenant.name, email: ctx.user.email };
  }
  return { type: "ok", ctx };
}

/** The tenants a user belongs to, first joined first. */
export async function userTenants(db: Executor, userId: string) {
  return db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), isNull(memberships.deactivatedAt)))
    .orderBy(memberships.createdAt);
}

export function scopeOf(ctx: TenantContext): TenantScope {
  return {
    tenantId: ctx.tenant.id,
    userId: ctx.user.id,
    role: ctx.role,
    mayPurge: ctx.mayPurge,
    mayReadOthersMailboxes: ctx.mayReadOthersMailboxes,
  };
}
