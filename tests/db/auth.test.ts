import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisionUnprocessedRecipients, memberships, teamMembers } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { authenticate } from "../../lib/auth/sign-in";
import { THROTTLE } from "../../lib/auth/throttle";
import { ForbiddenError, RuleError } from "../../lib/errors";
import { acceptInvite, createInvite, INVITE_TTL_MS, inviteDetails, revokeInvite } from "../../lib/members/invites";
import { listMembers, removeMember, updateMember } from "../../lib/members/members";
import { makeTenant, testDatabase } from "../setup/db";
import { makeFilledTenant } from "../setup/tenant-data";

const db = await testDatabase();

function ownerScope(company: Awaited<ReturnType<typeof makeTenant>>): TenantScope {
  return { tenantId: company.tenant.id, userId: company.user.id, role: "owner" };
}

function invite(company: Awaited<ReturnType<typeof makeTenant>>, role: "owner" | "admin" | "agent", now = new Date()) {
  const email = `invitee-${crypto.randomBytes(4).toString("hex")}@people.test`;
  return withTenant(db, company.tenant.id, (tx) => createInvite(tx, ownerScope(company), { email, role }, now)).then(
    (created) => ({ ...created, email }),
  );
}

async function membershipOf(tenantId: string, userId: string) {
  const [membership] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return membership;
}

describe("signing in", () => {
  it("accepts the right password and refuses a wrong one", async () => {
    const { email, password, user } = await makeTenant(db, "Signin");
    const ok = await authenticate(db, { email, password });
    expect(ok).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await authenticate(db, { email, password: `${password}x` })).toEqual({ ok: false, reason: "invalid" });
  });

  it("treats the email address case-insensitively and ignores surrounding spaces", async () => {
    const { email, password, user } = await makeTenant(db, "Casing");
    expect(await authenticate(db, { email: `  ${email.toUpperCase()} `, password })).toMatchObject({
      ok: true,
      user: { id: user.id },
    });
  });

  it("locks an address after five wrong passwords, even against the right one, until the lock passes", async () => {
    const { email, password } = await makeTenant(db, "Throttle");
    const start = new Date();
    const results = [];
    for (let i = 0; i < THROTTLE.maxFailures; i++) {
      results.push(await authenticate(db, { email, password: "wrong-password", now: new Date(start.getTime() + i * 1000) }));
    }
    expect(results.slice(0, -1).map((r) => r.ok || r.reason)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    const locking = results.at(-1)!;
    expect(locking).toMatchObject({ ok: false, reason: "throttled" });
    const retryAt = (locking as { retryAt: Date }).retryAt;
    expect(retryAt.getTime()).toBe(start.getTime() + 4000 + THROTTLE.lockMs);

    const during = await authenticate(db, { email, password, now: new Date(retryAt.getTime() - 1000) });
    expect(during).toEqual({ ok: false, reason: "throttled", retryAt });
    // The same address in other letters is the same address.
    expect(await authenticate(db, { email: email.toUpperCase(), password, now: new Date(retryAt.getTime() - 1000) })).toMatchObject({
      reason: "throttled",
    });

    const after = await authenticate(db, { email, password, now: new Date(retryAt.getTime() + 1000) });
    expect(after.ok).toBe(true);
  });

  it("throttles an unknown address the same way, so locking does not tell who has an account", async () => {
    const email = `nobody-${crypto.randomBytes(4).toString("hex")}@nowhere.test`;
    const now = new Date();
    const reasons = [];
    for (let i = 0; i < THROTTLE.maxFailures + 1; i++) {
      const result = await authenticate(db, { email, password: "guess", now });
      reasons.push(result.ok || result.reason);
    }
    expect(reasons).toEqual(["invalid", "invalid", "invalid", "invalid", "throttled", "throttled"]);
  });

  it("does not lock for failures spread wider than the window", async () => {
    const { email, password } = await makeTenant(db, "Slowly");
    const start = Date.now();
    for (let i = 0; i < THROTTLE.maxFailures + 2; i++) {
      const now = new Date(start + i * (THROTTLE.windowMs / 2 + 1000));
      expect(await authenticate(db, { email, password: "wrong-password", now })).toEqual({ ok: false, reason: "invalid" });
    }
    const now = new Date(start + (THROTTLE.maxFailures + 2) * (THROTTLE.windowMs / 2 + 1000));
    expect((await authenticate(db, { email, password, now })).ok).toBe(true);
  });
});

describe("invitations", () => {
  it("a new person accepts once and becomes a member with the invite's role", async () => {
    const company = await makeTenant(db, "Inviting");
    const { token, email } = await invite(company, "admin");
    expect(await inviteDetails(db, token)).toMatchObject({ email, role: "admin" });

    const accepted = await acceptInvite(db, { token, name: "New Admin", password: "Long-enough-pw", locale: "pl" });
    // A new member speaks the language of the invitation page they accepted on.
    expect(accepted).toMatchObject({ email, tenantSlug: company.tenant.slug, locale: "pl" });
    expect(await membershipOf(company.tenant.id, accepted.userId)).toMatchObject({ role: "admin" });
    expect((await authenticate(db, { email, password: "Long-enough-pw" })).ok).toBe(true);

    await expect(acceptInvite(db, { token, name: "Again", password: "Long-enough-pw" })).rejects.toMatchObject({
      key: "inviteInvalid",
    });
    expect(await inviteDetails(db, token)).toBeNull();
  });

  it("an expired invitation is refused", async () => {
    const company = await makeTenant(db, "Expiring");
    const sent = new Date(Date.now() - INVITE_TTL_MS - 60_000);
    const { token } = await invite(company, "agent", sent);
    const attempt = acceptInvite(db, { token, name: "Late", password: "Long-enough-pw" });
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ key: "inviteInvalid" });
    // At any moment before it runs out, it still works.
    const fresh = await invite(company, "agent");
    const justInTime = new Date(fresh.invite.expiresAt.getTime() - 1000);
    const onTime = acceptInvite(db, { token: fresh.token, name: "On time", password: "Long-enough-pw" }, justInTime);
    await expect(onTime).resolves.toMatchObject({ email: fresh.email });
  });

  it("an unknown or revoked link is refused", async () => {
    const company = await makeTenant(db, "Revoking");
    const { token, invite: created } = await invite(company, "agent");
    await withTenant(db, company.tenant.id, (tx) => revokeInvite(tx, ownerScope(company), created.id));
    await expect(acceptInvite(db, { token, name: "Revoked", password: "Long-enough-pw" })).rejects.toMatchObject({
      key: "inviteInvalid",
    });
    await expect(acceptInvite(db, { token: "made-up", name: "X", password: "Long-enough-pw" })).rejects.toMatchObject({
      key: "inviteInvalid",
    });
  });

  it("someone who already has an account joins with their own password, not a new one", async () => {
    const inviting = await makeTenant(db, "Host");
    const guest = await makeTenant(db, "Guest");
    const { token } = await withTenant(db, inviting.tenant.id, (tx) =>
      createInvite(tx, ownerScope(inviting), { email: guest.email, role: "agent" }),
    );

    const wrong = acceptInvite(db, { token, name: "Guest", password: "A-brand-new-password" });
    await expect(wrong).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { password: ["invitePasswordRefused"] } });
    expect(await membershipOf(inviting.tenant.id, guest.user.id)).toBeUndefined();

    // The failed attempt did not spend the link.
    const accepted = await acceptInvite(db, { token, name: "Another Name", password: guest.password });
    expect(accepted.userId).toBe(guest.user.id);
    expect(await membershipOf(inviting.tenant.id, guest.user.id)).toMatchObject({ role: "agent" });
    expect(await membershipOf(guest.tenant.id, guest.user.id)).toMatchObject({ role: "owner" });
    expect((await authenticate(db, { email: guest.email, password: guest.password })).ok).toBe(true);
  });

  it("the invitation tells its holder nothing about whether the address has an account", async () => {
    const inviting = await makeTenant(db, "Host");
    const guest = await makeTenant(db, "Guest");
    const forGuest = await withTenant(db, inviting.tenant.id, (tx) =>
      createInvite(tx, ownerScope(inviting), { email: guest.email, role: "agent" }),
    );
    const forNewcomer = await invite(inviting, "agent");
    const details = [await inviteDetails(db, forGuest.token), await inviteDetails(db, forNewcomer.token)];
    expect(details.map((d) => Object.keys(d ?? {}).sort())).toEqual([
      ["email", "role", "tenantName", "tenantSlug"],
      ["email", "role", "tenantName", "tenantSlug"],
    ]);

    const refusal = (token: string, password: string) =>
      acceptInvite(db, { token, name: "Someone", password }).then(
        () => null,
        (error: RuleError) => ({ key: error.key, fieldErrors: error.fieldErrors }),
      );
    for (const password of ["aaaaaaaaaa", "short", "password123"]) {
      const asGuest = await refusal(forGuest.token, password);
      expect(asGuest?.fieldErrors.password?.[0]).toBe("invitePasswordRefused");
      expect(await refusal(forNewcomer.token, password)).toEqual(asGuest);
    }
  });

  it("guessing an existing user's password through an invitation is throttled like sign-in", async () => {
    const inviting = await makeTenant(db, "Host");
    const guest = await makeTenant(db, "Guest");
    const { token } = await withTenant(db, inviting.tenant.id, (tx) =>
      createInvite(tx, ownerScope(inviting), { email: guest.email, role: "agent" }),
    );
    for (let attempt = 1; attempt < THROTTLE.maxFailures; attempt++) {
      await expect(acceptInvite(db, { token, name: "Guest", password: `guess-${attempt}` })).rejects.toMatchObject({
        key: "invalidInput",
      });
    }
    await expect(acceptInvite(db, { token, name: "Guest", password: "last-guess" })).rejects.toMatchObject({
      key: "throttled",
    });
    // Locked: even the right password is refused now, and sign-in is locked too.
    await expect(acceptInvite(db, { token, name: "Guest", password: guest.password })).rejects.toMatchObject({
      key: "throttled",
    });
    expect(await authenticate(db, { email: guest.email, password: guest.password })).toMatchObject({
      reason: "throttled",
    });
    expect(await membershipOf(inviting.tenant.id, guest.user.id)).toBeUndefined();
  });

  it("a new person must give a name and a password that is hard to guess", async () => {
    const company = await makeTenant(db, "Rules");
    const { token } = await invite(company, "agent");
    await expect(acceptInvite(db, { token, name: "", password: "Long-enough-pw" })).rejects.toMatchObject({
      fieldErrors: { name: ["required"] },
    });
    const weak = acceptInvite(db, { token, name: "Jan Nowak", password: "aaaaaaaaaa" });
    await expect(weak).rejects.toMatchObject({
      fieldErrors: { password: ["invitePasswordRefused", "passwordWeak", "passwordWarning.simpleRepeat", "passwordSuggestion.anotherWord", "passwordSuggestion.repeated"] },
    });
    expect(await inviteDetails(db, token)).not.toBeNull();
  });

  it("an admin cannot invite an owner, nor revoke an owner's invitation", async () => {
    const company = await makeTenant(db, "Ranks");
    const admin: TenantScope = { ...ownerScope(company), role: "admin" };
    const agent: TenantScope = { ...ownerScope(company), role: "agent" };
    await expect(
      withTenant(db, company.tenant.id, (tx) => createInvite(tx, admin, { email: "boss@ranks.test", role: "owner" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      withTenant(db, company.tenant.id, (tx) => createInvite(tx, agent, { email: "peer@ranks.test", role: "agent" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { invite: ownerInvite } = await invite(company, "owner");
    await expect(
      withTenant(db, company.tenant.id, (tx) => revokeInvite(tx, admin, ownerInvite.id)),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { invite: made } = await withTenant(db, company.tenant.id, (tx) =>
      createInvite(tx, admin, { email: "helper@ranks.test", role: "agent" }),
    );
    expect(made.role).toBe("agent");
  });

  it("an existing member cannot be invited again", async () => {
    const company = await makeTenant(db, "Twice");
    await expect(
      withTenant(db, company.tenant.id, (tx) =>
        createInvite(tx, ownerScope(company), { email: company.email, role: "agent" }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { email: ["alreadyMember"] } });
  });
});

describe("members", () => {
  async function ownerMembershipId(company: Awaited<ReturnType<typeof makeTenant>>) {
    return (await membershipOf(company.tenant.id, company.user.id))!.id;
  }

  it("the last owner can be neither demoted nor removed", async () => {
    const company = await makeTenant(db, "Lonely");
    const membershipId = await ownerMembershipId(company);
    const scope = ownerScope(company);
    await expect(
      withTenant(db, company.tenant.id, (tx) =>
        updateMember(tx, scope, { membershipId, role: "admin", mayPurge: true, mayReadOthersMailboxes: true }),
      ),
    ).rejects.toMatchObject({ key: "lastOwner" });
    await expect(withTenant(db, company.tenant.id, (tx) => removeMember(tx, scope, membershipId))).rejects.toMatchObject({
      key: "lastOwner",
    });
    expect(await membershipOf(company.tenant.id, company.user.id)).toMatchObject({ role: "owner" });
  });

  it("with a second owner, the first may step down", async () => {
    const company = await makeTenant(db, "Pair");
    const { token } = await invite(company, "owner");
    await acceptInvite(db, { token, name: "Second Owner", password: "Long-enough-pw" });
    const membershipId = await ownerMembershipId(company);
    await withTenant(db, company.tenant.id, (tx) =>
      updateMember(tx, ownerScope(company), { membershipId, role: "agent", mayPurge: false, mayReadOthersMailboxes: false }),
    );
    expect(await membershipOf(company.tenant.id, company.user.id)).toMatchObject({ role: "agent", mayPurge: false });
  });

  it("an admin cannot change or remove an owner, nor make anyone an owner", async () => {
    const company = await makeFilledTenant(db, "Admins");
    const admin: TenantScope = { ...company.scope, role: "admin" };
    const ownerMembership = (await membershipOf(company.tenant.id, company.user.id))!.id;
    const cases = [
      (tx: Parameters<typeof removeMember>[0]) => removeMember(tx, admin, ownerMembership),
      (tx: Parameters<typeof removeMember>[0]) =>
        updateMember(tx, admin, { membershipId: ownerMembership, role: "owner", mayPurge: false, mayReadOthersMailboxes: false }),
      (tx: Parameters<typeof removeMember>[0]) =>
        updateMember(tx, admin, {
          membershipId: company.agentMembershipId,
          role: "owner",
          mayPurge: false,
          mayReadOthersMailboxes: false,
        }),
    ];
    for (const attempt of cases) {
      await expect(withTenant(db, company.tenant.id, attempt)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("a removed member loses the membership and no longer gets the division's mail or sits in its teams", async () => {
    const company = await makeFilledTenant(db, "Leaving");
    await withTenant(db, company.tenant.id, (tx) =>
      tx
        .insert(divisionUnprocessedRecipients)
        .values({ tenantId: company.tenant.id, divisionId: company.divisionId, userId: company.agent.id }),
    );
    await withTenant(db, company.tenant.id, (tx) => removeMember(tx, company.scope, company.agentMembershipId));
    const members = await withTenant(db, company.tenant.id, (tx) => listMembers(tx, company.scope));
    expect(members.map((m) => m.userId)).toEqual([company.user.id]);
    const recipients = await db
      .select()
      .from(divisionUnprocessedRecipients)
      .where(eq(divisionUnprocessedRecipients.userId, company.agent.id));
    expect(recipients).toEqual([]);
    expect(await db.select().from(teamMembers).where(eq(teamMembers.userId, company.agent.id))).toEqual([]);
  });
});
