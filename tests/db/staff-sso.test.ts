import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, signInIdentities, tenants } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { tenantAccess } from "../../lib/auth/context";
import { setRequiredSignIn } from "../../lib/auth/sign-in-policy";
import { linkSignIn } from "../../lib/auth/sso";
import { RuleError } from "../../lib/errors";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();
const NOW = new Date("2026-12-06T10:00:00Z");
const subject = () => `sub-${crypto.randomUUID()}`;

describe("staff sign-in with a provider", () => {
  it("links a provider account to the user with its verified address, and finds it by subject afterwards", async () => {
    const owner = await makeTenant(db, "Linked");
    const sub = subject();
    const first = await linkSignIn(db, "oidc", { sub, email: owner.email.toUpperCase(), email_verified: true }, NOW);
    expect(first).toMatchObject({ type: "ok", linkedNow: true, user: { id: owner.user.id } });

    // The address changed at the provider (even to an unverified one): the link holds by subject.
    const later = new Date(NOW.getTime() + 60_000);
    const again = await linkSignIn(db, "oidc", { sub, email: "renamed@elsewhere.test", email_verified: false }, later);
    expect(again).toMatchObject({ type: "ok", linkedNow: false, user: { id: owner.user.id } });
    const rows = await db.select().from(signInIdentities).where(eq(signInIdentities.userId, owner.user.id));
    expect(rows).toMatchObject([{ provider: "oidc", subject: sub, email: owner.email, lastUsedAt: later }]);
  });

  it("does not link by an address the provider did not verify", async () => {
    const owner = await makeTenant(db, "Unverified");
    for (const claim of [false, undefined, "false"]) {
      expect(await linkSignIn(db, "oidc", { sub: subject(), email: owner.email, email_verified: claim }, NOW)).toEqual({ type: "unverified" });
    }
    // Microsoft vouches for an address only with xms_edov; its bare `email` claim is typed by an admin.
    expect(await linkSignIn(db, "microsoft", { sub: subject(), email: owner.email }, NOW)).toEqual({ type: "unverified" });
    expect(await db.select().from(signInIdentities).where(eq(signInIdentities.userId, owner.user.id))).toEqual([]);
  });

  it("takes Microsoft's domain-verified claim as verification", async () => {
    const owner = await makeTenant(db, "Entra");
    const linked = await linkSignIn(db, "microsoft", { sub: subject(), email: owner.email, xms_edov: true }, NOW);
    expect(linked).toMatchObject({ type: "ok", user: { id: owner.user.id } });
  });

  it("creates no account for an address nobody uses", async () => {
    const address = `stranger-${crypto.randomBytes(4).toString("hex")}@nobody.test`;
    expect(await linkSignIn(db, "google", { sub: subject(), email: address, email_verified: true }, NOW)).toEqual({ type: "noAccount" });
  });

  it("links the same subject once when two first sign-ins race", async () => {
    const owner = await makeTenant(db, "Race");
    const profile = { sub: subject(), email: owner.email, email_verified: true };
    const both = await Promise.all([linkSignIn(db, "oidc", profile, NOW), linkSignIn(db, "oidc", profile, NOW)]);
    expect(both.map((result) => result.type)).toEqual(["ok", "ok"]);
    expect(await db.select().from(signInIdentities).where(eq(signInIdentities.subject, profile.sub))).toHaveLength(1);
  });
});

describe("a company's required sign-in", () => {
  const configured = ["oidc", "google"] as const;

  async function company() {
    const owner = await makeTenant(db, "Policy");
    const scope: TenantScope = { tenantId: owner.tenant.id, userId: owner.user.id, role: "owner" };
    return { owner, scope, slug: owner.tenant.slug };
  }

  it("can be turned on only by an admin signed in with that provider", async () => {
    const { owner, scope } = await company();
    const attempt = (currentMethod: "password" | "oidc" | "google", provider: "oidc" | "microsoft") =>
      withTenant(db, owner.tenant.id, (tx) => setRequiredSignIn(tx, scope, { provider, currentMethod, configured }));
    await expect(attempt("password", "oidc")).rejects.toMatchObject({ key: "signInWithProviderFirst" });
    await expect(attempt("google", "oidc")).rejects.toThrow(RuleError);
    // A provider this server does not offer cannot be required.
    await expect(attempt("oidc", "microsoft")).rejects.toMatchObject({ key: "invalidInput" });
    await attempt("oidc", "oidc");
    const [row] = await db.select().from(tenants).where(eq(tenants.id, owner.tenant.id));
    expect(row!.requiredSignIn).toBe("oidc");
    const audit = await db.select().from(auditLog).where(eq(auditLog.tenantId, owner.tenant.id));
    expect(audit.find((entry) => entry.action === "tenant.requiredSignIn")).toMatchObject({ actorUserId: owner.user.id, details: { provider: "oidc" } });
  });

  it("keeps a password session out of the company, but not a session signed in with the provider", async () => {
    const { owner, scope, slug } = await company();
    await withTenant(db, owner.tenant.id, (tx) => setRequiredSignIn(tx, scope, { provider: "oidc", currentMethod: "oidc", configured }));
    const userId = owner.user.id;
    expect(await tenantAccess(db, { userId, signInMethod: "password" }, slug, configured)).toEqual({
      type: "signInRequired",
      provider: "oidc",
      tenantName: owner.tenant.name,
    });
    expect(await tenantAccess(db, { userId, signInMethod: "google" }, slug, configured)).toMatchObject({ type: "signInRequired" });
    expect(await tenantAccess(db, { userId, signInMethod: "oidc" }, slug, configured)).toMatchObject({
      type: "ok",
      ctx: { signInMethod: "oidc", tenant: { requiredSignIn: "oidc" } },
    });
  });

  it("binds the session in that company only: the same user's other company still takes the password", async () => {
    const strict = await company();
    await withTenant(db, strict.owner.tenant.id, (tx) =>
      setRequiredSignIn(tx, strict.scope, { provider: "oidc", currentMethod: "oidc", configured }),
    );
    const other = await makeTenant(db, "Relaxed");
    const session = { userId: other.user.id, signInMethod: "password" } as const;
    expect(await tenantAccess(db, session, other.tenant.slug, configured)).toMatchObject({ type: "ok" });
    // Not a member of the strict company: the same "not found" as for a company that does not exist.
    expect(await tenantAccess(db, session, strict.slug, configured)).toEqual({ type: "notFound" });
  });

  it("lapses while the required provider is no longer configured, so nobody is locked out", async () => {
    const { owner, scope, slug } = await company();
    await withTenant(db, owner.tenant.id, (tx) => setRequiredSignIn(tx, scope, { provider: "google", currentMethod: "google", configured }));
    const session = { userId: owner.user.id, signInMethod: "password" } as const;
    expect(await tenantAccess(db, session, slug, ["oidc"])).toMatchObject({ type: "ok" });
    expect(await tenantAccess(db, session, slug, configured)).toMatchObject({ type: "signInRequired", provider: "google" });
  });

  it("is lifted from a password session too", async () => {
    const { owner, scope } = await company();
    await withTenant(db, owner.tenant.id, (tx) => setRequiredSignIn(tx, scope, { provider: "oidc", currentMethod: "oidc", configured }));
    await withTenant(db, owner.tenant.id, (tx) => setRequiredSignIn(tx, scope, { provider: null, currentMethod: "password", configured }));
    const [row] = await db.select().from(tenants).where(eq(tenants.id, owner.tenant.id));
    expect(row!.requiredSignIn).toBeNull();
  });
});
