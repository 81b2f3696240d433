import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { tenants } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { RuleError } from "@/lib/errors";
import type { OAuthProviderId } from "@/lib/oauth/providers";

/**
 * A company may require its members to sign in with one provider (single sign-on): its identity
 * provider then decides who still works there, and a password alone no longer opens the company.
 * The rule binds the session, not the user: someone who belongs to two companies may still use
 * their password for the other one.
 */

/** How the session was signed in: with the email and password, or with a provider. */
export type SignInMethod = "password" | OAuthProviderId;

/**
 * Whether a session signed in with `method` may enter a company that requires `required`. A
 * required provider this server no longer offers (its client id removed) would lock everyone out,
 * including the admins who could change the rule: it lapses until the provider is configured again.
 */
export function meetsSignInPolicy(
  required: OAuthProviderId | null,
  method: SignInMethod,
  configured: readonly OAuthProviderId[],
): boolean {
  return required === null || !configured.includes(required) || method === required;
}

/**
 * Sets or lifts the company's required provider. Requiring one needs the admin's own session to be
 * signed in with it: whoever turns it on has proven the sign-in works and is not locked out by it.
 */
export async function setRequiredSignIn(
  tx: Executor,
  scope: TenantScope,
  input: { provider: OAuthProviderId | null; currentMethod: SignInMethod; configured: readonly OAuthProviderId[] },
): Promise<void> {
  const { provider } = input;
  if (provider !== null && !input.configured.includes(provider)) {
    throw new RuleError("invalidInput", { requiredSignIn: ["invalidChoice"] });
  }
  if (provider !== null && input.currentMethod !== provider) {
    throw new RuleError("signInWithProviderFirst", { requiredSignIn: ["signInWithProviderFirst"] });
  }
  await tx.update(tenants).set({ requiredSignIn: provider }).where(eq(tenants.id, scope.tenantId));
  await recordAudit(tx, scope, "tenant.requiredSignIn", { type: "tenant", id: scope.tenantId }, { provider });
}

/**
 * A company may require two-step verification: a session signed in with a password alone then no
 * longer opens it. A session signed in with a provider satisfies the rule: the provider asks for
 * its own second factor (the company sets that up where its accounts live, and can require the
 * provider above), and asking for ours on top would only send those members to keep two
 * authenticators. Like the required provider, the rule binds the session, not the user.
 */
export function meetsTwoFactorPolicy(required: boolean, session: { signInMethod: SignInMethod; twoFactor?: boolean }): boolean {
  return !required || session.twoFactor === true || session.signInMethod !== "password";
}

/**
 * Turns the company's two-step rule on or off. Turning it on needs the admin's own session to meet
 * it: whoever turns it on is not locked out by it, and has seen it work.
 */
export async function setRequireTwoFactor(
  tx: Executor,
  scope: TenantScope,
  input: { required: boolean; session: { signInMethod: SignInMethod; twoFactor?: boolean } },
): Promise<void> {
  if (input.required && !meetsTwoFactorPolicy(true, input.session)) {
    throw new RuleError("useTwoFactorFirst", { requireTwoFactor: ["useTwoFactorFirst"] });
  }
  await tx.update(tenants).set({ requireTwoFactor: input.required }).where(eq(tenants.id, scope.tenantId));
  await recordAudit(tx, scope, "tenant.requireTwoFactor", { type: "tenant", id: scope.tenantId }, { required: input.required });
}
