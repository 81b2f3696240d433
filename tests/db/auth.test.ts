import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisionUnprocessedRecipients, memberships, signInAttempts, teamMembers } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { deviceCookieValue, knownDevice } from "../../lib/auth/device";
import { authenticate, normalizeEmail } from "../../lib/auth/sign-in";
import { MAX_THROTTLE_ROWS, pruneSignInAttempts } from "../../lib/auth/throttle";
import { LONGEST_THROTTLE_WINDOW_MS, THROTTLE } from "../../lib/auth/throttle-policy";
import { ForbiddenError, RuleError } from "../../lib/errors";
import { acceptInvite, createInvite, INVITE_TTL_MS, inviteDetails, inviteUsed, revokeInvite } from "../../lib/members/invites";
import { listMembers, removeMember, updateMember } from "../../lib/members/members";
import { makeTenant, testDatabase } from "../setup/db";
import { makeFilledTenant, rowsOf } from "../setup/tenant-data";

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

  it("holds an account back with waits that double past five free failures, and lets the right password in once a wait is over", async () => {
    const { email, password } = await makeTenant(db, "Throttle");
    const start = Date.now();
    const attempt = (pw: string, afterMs: number) => authenticate(db, { email, password: pw, now: new Date(start + afterMs) });
    for (let i = 0; i < THROTTLE.account.freeFailures; i++) {
      expect(await attempt("wrong-password", 0)).toEqual({ ok: false, reason: "invalid" });
    }
    // Five failures: the next attempt waits a second, even with the right password.
    expect(await attempt(password, 999)).toEqual({ ok: false, reason: "throttled", retryAt: new Date(start + 1000) });
    // The same address in other letters is the same account.
    expect(await authenticate(db, { email: `  ${email.toUpperCase()}`, password, now: new Date(start + 500) })).toMatchObject({
      reason: "throttled",
    });
    expect(await attempt("wrong-again", 1000)).toEqual({ ok: false, reason: "invalid" });
    // Six failures: two seconds after the last one.
    expect(await attempt(password, 2999)).toEqual({ ok: false, reason: "throttled", retryAt: new Date(start + 3000) });
    expect((await attempt(password, 3000)).ok).toBe(true);
    // A success forgets the account's failures: five free ones again.
    for (let i = 0; i < THROTTLE.account.freeFailures; i++) {
      expect(await attempt("wrong-password", 3000)).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("counts thirty parallel wrong guesses for one account atomically: exactly five get through, the rest are told to wait", async () => {
    const { email } = await makeTenant(db, "Parallel");
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => authenticate(db, { email, password: `guess-${i}`, now })),
    );
    const reasons = results.map((result) => (result.ok ? "ok" : result.reason));
    expect(reasons.filter((reason) => reason === "invalid")).toHaveLength(THROTTLE.account.freeFailures);
    expect(reasons.filter((reason) => reason === "throttled")).toHaveLength(30 - THROTTLE.account.freeFailures);
  });

  it("slows an address spraying one password over thirty accounts once its allowance is spent; other addresses are not", async () => {
    const sprayer = { address: `198.51.100.${crypto.randomInt(1, 255)}-${crypto.randomBytes(3).toString("hex")}` };
    const now = new Date();
    const reasons = [];
    for (let i = 0; i < 30; i++) {
      const email = `sprayed-${i}-${crypto.randomBytes(3).toString("hex")}@spray.test`;
      const result = await authenticate(db, { email, password: "Summer2026!", client: sprayer, now });
      reasons.push(result.ok || result.reason);
    }
    const free = THROTTLE.address.freeFailures;
    expect(reasons).toEqual([...Array(free).fill("invalid"), ...Array(30 - free).fill("throttled")]);
    // Every account was tried once at most: the address alone held the rest back.
    const { email, password } = await makeTenant(db, "Bystander");
    expect((await authenticate(db, { email, password, client: { address: "203.0.113.50" }, now })).ok).toBe(true);
    expect(await authenticate(db, { email, password, client: sprayer, now })).toMatchObject({ reason: "throttled" });
  });

  it("keeps an address's count after a right password, so one known account does not buy a sprayer a fresh allowance", async () => {
    const client = { address: `192.0.2.${crypto.randomBytes(4).toString("hex")}` };
    const { email, password } = await makeTenant(db, "Sprayer's own");
    const now = new Date();
    for (let i = 0; i < THROTTLE.address.freeFailures - 1; i++) {
      await authenticate(db, { email: `other-${i}-${crypto.randomBytes(3).toString("hex")}@spray.test`, password: "x", client, now });
    }
    expect((await authenticate(db, { email, password, client, now })).ok).toBe(true);
    expect(await authenticate(db, { email: "one-more@spray.test", password: "x", client, now })).toMatchObject({ reason: "throttled" });
  });

  it("lets the owner in from their known device while a stranger's guesses hold the account back", async () => {
    const { email, password } = await makeTenant(db, "Known device");
    const now = new Date();
    const home = await authenticate(db, { email, password, client: { address: "192.0.2.10" }, now });
    if (!home.ok) throw new Error("the owner's first sign-in failed");
    expect(home.deviceId).toBeNull();
    const deviceCookie = deviceCookieValue(null, normalizeEmail(email));

    const stranger = { address: `203.0.113.${crypto.randomBytes(4).toString("hex")}` };
    for (let i = 0; i < 12; i++) await authenticate(db, { email, password: `guess-${i}`, client: stranger, now });
    expect(await authenticate(db, { email, password, client: stranger, now })).toMatchObject({ reason: "throttled" });
    // Without the cookie, the owner waits like anyone else; with it, they are in.
    expect(await authenticate(db, { email, password, client: { address: "192.0.2.10" }, now })).toMatchObject({ reason: "throttled" });
    const known = await authenticate(db, { email, password, client: { address: "192.0.2.10", deviceCookie }, now });
    expect(known).toMatchObject({ ok: true, deviceId: knownDevice(deviceCookie, normalizeEmail(email)) });
    // The cookie is for this account only.
    const other = await makeTenant(db, "Other account");
    for (let i = 0; i < THROTTLE.account.freeFailures; i++) {
      await authenticate(db, { email: other.email, password: "wrong", client: stranger, now });
    }
    expect(await authenticate(db, { email: other.email, password: other.password, client: { address: "192.0.2.10", deviceCookie }, now })).toMatchObject({
      reason: "throttled",
    });
  });

  it("throttles guessing from a known device by the device's own count", async () => {
    const { email, password } = await makeTenant(db, "Device count");
    const client = { address: null, deviceCookie: deviceCookieValue(null, normalizeEmail(email)) };
    const now = new Date();
    for (let i = 0; i < THROTTLE.device.freeFailures; i++) {
      expect(await authenticate(db, { email, password: "wrong", client, now })).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await authenticate(db, { email, password, client, now })).toMatchObject({ reason: "throttled" });
    // The account's own count was not touched: from elsewhere, the owner still gets in.
    expect((await authenticate(db, { email, password, now })).ok).toBe(true);
  });

  it("throttles an unknown address the same way, so throttling does not tell who has an account", async () => {
    const email = `nobody-${crypto.randomBytes(4).toString("hex")}@nowhere.test`;
    const now = new Date();
    const reasons = [];
    for (let i = 0; i < THROTTLE.account.freeFailures + 1; i++) {
      const result = await authenticate(db, { email, password: "guess", now });
      reasons.push(result.ok || result.reason);
    }
    expect(reasons).toEqual(["invalid", "invalid", "invalid", "invalid", "invalid", "throttled"]);
  });

  it("waits at most fifteen minutes however long the guessing goes on, and forgets an account's failures after a quiet day", async () => {
    const { email, password } = await makeTenant(db, "Slowly");
    const start = Date.now();
    const quarter = 15 * 60_000;
    // One guess every fifteen minutes is always admitted, so the count keeps growing.
    for (let i = 0; i < 20; i++) {
      expect(await authenticate(db, { email, password: "wrong-password", now: new Date(start + i * quarter) })).toMatchObject({
        reason: "invalid",
      });
    }
    const last = start + 19 * quarter;
    expect(await authenticate(db, { email, password, now: new Date(last + quarter - 1000) })).toEqual({
      ok: false,
      reason: "throttled",
      retryAt: new Date(last + quarter),
    });
    expect((await authenticate(db, { email, password, now: new Date(last + THROTTLE.account.forgetAfterMs) })).ok).toBe(true);
  });
});

describe("the throttle's table", () => {
  it("stays bounded: rows idle past the longest window go, and beyond the cap the oldest go", async () => {
    const run = crypto.randomBytes(4).toString("hex");
    const now = new Date();
    // Older than anything other tests write, so that the cap takes these first.
    const newest = new Date(now.getTime() - 60 * 60_000);
    await db.execute(sql`
      insert into sign_in_attempts (key, failures, last_failure_at)
      select ${`cap:${run}:`} || i, 1, ${newest.toISOString()}::timestamptz - i * interval '1 millisecond'
      from generate_series(0, ${MAX_THROTTLE_ROWS + 9}) as i`);
    await db.execute(sql`
      insert into sign_in_attempts (key, failures, last_failure_at)
      select ${`expired:${run}:`} || i, 9, ${now.toISOString()}::timestamptz - ${`${LONGEST_THROTTLE_WINDOW_MS + 1000} milliseconds`}::interval
      from generate_series(1, 5) as i`);
    try {
      const pruned = await pruneSignInAttempts(db, now);
      expect(pruned.expired).toBeGreaterThanOrEqual(5);
      expect(pruned.overCap).toBeGreaterThanOrEqual(10);
      const [{ total }] = rowsOf(await db.execute(sql`select count(*)::int as total from sign_in_attempts`)) as [{ total: number }];
      expect(total).toBeLessThanOrEqual(MAX_THROTTLE_ROWS);
      const left = async (key: string) =>
        (await db.select().from(signInAttempts).where(eq(signInAttempts.key, key))).length;
      expect(await left(`cap:${run}:0`)).toBe(1);
      expect(await left(`cap:${run}:${MAX_THROTTLE_ROWS + 9}`)).toBe(0);
      expect(await left(`expired:${run}:1`)).toBe(0);
    } finally {
      await db.execute(sql`delete from sign_in_attempts where key like ${`cap:${run}:%`}`);
    }
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
      key: "inviteUsed",
    });
    expect(await inviteDetails(db, token)).toBeNull();
    expect(await inviteUsed(db, token)).toBe(true);
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
    const now = new Date();
    for (let attempt = 1; attempt <= THROTTLE.account.freeFailures; attempt++) {
      await expect(acceptInvite(db, { token, name: "Guest", password: `guess-${attempt}` }, now)).rejects.toMatchObject({
        key: "invalidInput",
      });
    }
    // Held back: even the right password waits now, and is told how long; sign-in waits too.
    await expect(acceptInvite(db, { token, name: "Guest", password: guest.password }, now)).rejects.toMatchObject({
      key: "throttledSeconds",
      values: { count: 1 },
    });
    expect(await authenticate(db, { email: guest.email, password: guest.password, now })).toMatchObject({
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
