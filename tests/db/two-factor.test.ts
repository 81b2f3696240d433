import { and, eq, isNull } from "drizzle-orm";
import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import { auditLog, recoveryCodes, sessions, users } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { confirmTwoFactor, disableTwoFactor, startTwoFactor } from "../../lib/accounts/two-factor";
import { tenantAccess } from "../../lib/auth/context";
import { openSession, openSessionRow } from "../../lib/auth/sessions";
import { authenticate } from "../../lib/auth/sign-in";
import { setRequireTwoFactor } from "../../lib/auth/sign-in-policy";
import { THROTTLE } from "../../lib/auth/throttle-policy";
import { TOTP_PERIOD_SECONDS } from "../../lib/auth/totp";
import { RuleError } from "../../lib/errors";
import { openSecret } from "../../lib/secrets";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** The code an authenticator shows at `at`. */
const codeAt = (secret: string, at: Date) => generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) });
const later = (at: Date, steps: number) => new Date(at.getTime() + steps * TOTP_PERIOD_SECONDS * 1000);

/** A company whose owner has turned two-step verification on from a session, at `now`. */
async function enrolled(now = new Date()) {
  const company = await makeTenant(db, "Twostep");
  const sessionId = await openSession(db, { userId: company.user.id, userAgent: "Vitest", now, maxAgeMs: 3_600_000 });
  const { secret } = await startTwoFactor(db, company.user.id);
  const { recoveryCodes: codes } = await confirmTwoFactor(
    db,
    { userId: company.user.id, sessionId },
    { password: company.password, code: codeAt(secret, now) },
    now,
  );
  return { ...company, secret, codes, sessionId, now };
}

describe("turning two-step verification on", () => {
  it("needs a current code of the new secret and the password; then the secret is sealed and only hashes of the recovery codes are kept", async () => {
    const company = await makeTenant(db, "Enrol");
    const now = new Date();
    const sessionId = await openSession(db, { userId: company.user.id, userAgent: "Vitest", now, maxAgeMs: 3_600_000 });
    const setup = await startTwoFactor(db, company.user.id);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    expect(setup.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(setup.qrCode.split(",")[1]!, "base64").toString()).toContain("<svg");

    const session = { userId: company.user.id, sessionId };
    const wrongCode = confirmTwoFactor(db, session, { password: company.password, code: "000000" }, now);
    await expect(wrongCode).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { code: ["wrongCode"] } });
    const wrongPassword = confirmTwoFactor(db, session, { password: "not-it", code: codeAt(setup.secret, now) }, now);
    await expect(wrongPassword).rejects.toMatchObject({ fieldErrors: { password: ["wrongPassword"] } });
    // Not on yet: signing in still takes the password alone.
    expect(await authenticate(db, { email: company.email, password: company.password, now })).toMatchObject({ ok: true, twoFactor: false });

    const { recoveryCodes: codes } = await confirmTwoFactor(db, session, { password: company.password, code: codeAt(setup.secret, now) }, now);
    expect(codes).toHaveLength(10);
    const [user] = await db.select().from(users).where(eq(users.id, company.user.id));
    expect(user!.totpSecret).toMatch(/^v1\./);
    expect(user!.totpSecret).not.toContain(setup.secret);
    expect(openSecret(user!.totpSecret!)).toBe(setup.secret);
    const stored = await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, company.user.id));
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.some((row) => row.codeHash.includes(code.replace("-", "")))).toBe(false);
    // The session it was done from has shown both factors.
    expect(await openSessionRow(db, { ...session, now })).toEqual({ twoFactor: true });
  });

  it("cannot be started again once on: a session left open cannot swap the secret", async () => {
    const { user } = await enrolled();
    await expect(startTwoFactor(db, user.id)).rejects.toMatchObject({ key: "twoFactorAlreadyOn" });
  });
});

describe("signing in with two-step verification", () => {
  it("asks for a code after the right password, refuses a wrong one, and takes the current one", async () => {
    const { email, password, secret, now } = await enrolled();
    const at = later(now, 1);
    expect(await authenticate(db, { email, password, now: at })).toEqual({ ok: false, reason: "codeRequired" });
    expect(await authenticate(db, { email, password, code: "123456", now: at })).toEqual({ ok: false, reason: "invalidCode" });
    // A wrong password with a right code says nothing about the code.
    expect(await authenticate(db, { email, password: "nope", code: codeAt(secret, at), now: at })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(db, { email, password, code: codeAt(secret, at), now: at })).toMatchObject({ ok: true, twoFactor: true });
  });

  it("takes a code only once: the same code, or one of an earlier step, is refused afterwards", async () => {
    const { email, password, secret, now } = await enrolled();
    const at = later(now, 2);
    const code = codeAt(secret, at);
    expect((await authenticate(db, { email, password, code, now: at })).ok).toBe(true);
    const soon = new Date(at.getTime() + 5000);
    expect(await authenticate(db, { email, password, code, now: soon })).toEqual({ ok: false, reason: "invalidCode" });
    expect(await authenticate(db, { email, password, code: codeAt(secret, later(at, -1)), now: soon })).toEqual({ ok: false, reason: "invalidCode" });
    // The code enrolment was confirmed with counts as used too.
    const fresh = await enrolled();
    expect(await authenticate(db, { email: fresh.email, password: fresh.password, code: codeAt(fresh.secret, fresh.now), now: fresh.now })).toEqual({
      ok: false,
      reason: "invalidCode",
    });
  });

  it("lets only one of two sign-ins racing with the same code through", async () => {
    const { email, password, secret, now } = await enrolled();
    const at = later(now, 3);
    const code = codeAt(secret, at);
    const results = await Promise.all(Array.from({ length: 4 }, () => authenticate(db, { email, password, code, now: at })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });

  it("takes each recovery code once, in any case and with or without its dash", async () => {
    const { email, password, codes, user, now } = await enrolled();
    const [first, second] = codes;
    expect(await authenticate(db, { email, password, code: first!.toUpperCase(), now })).toMatchObject({ ok: true, twoFactor: true });
    expect(await authenticate(db, { email, password, code: first!, now })).toEqual({ ok: false, reason: "invalidCode" });
    expect((await authenticate(db, { email, password, code: second!.replace("-", ""), now })).ok).toBe(true);
    const left = await db.select().from(recoveryCodes).where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
    expect(left).toHaveLength(8);
  });

  it("holds back guesses at the code like guesses at the password: past the free allowance even the right code waits", async () => {
    const { email, password, secret, now } = await enrolled();
    const at = later(now, 4);
    for (let i = 0; i < THROTTLE.account.freeFailures; i++) {
      expect(await authenticate(db, { email, password, code: String(100000 + i), now: at })).toEqual({ ok: false, reason: "invalidCode" });
    }
    expect(await authenticate(db, { email, password, code: codeAt(secret, at), now: at })).toMatchObject({ ok: false, reason: "throttled" });
    // After the wait the right code gets in, and the count starts again.
    const afterWait = new Date(at.getTime() + THROTTLE.account.firstDelayMs);
    expect(await authenticate(db, { email, password, code: codeAt(secret, afterWait), now: afterWait })).toMatchObject({ ok: true });
  });

  it("admits exactly the free allowance of code guesses made in parallel", async () => {
    const { email, password, now } = await enrolled();
    const at = later(now, 5);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => authenticate(db, { email, password, code: String(200000 + i), now: at })),
    );
    expect(results.filter((result) => !result.ok && result.reason === "invalidCode")).toHaveLength(THROTTLE.account.freeFailures);
    expect(results.filter((result) => !result.ok && result.reason === "throttled")).toHaveLength(20 - THROTTLE.account.freeFailures);
  });
});

describe("turning two-step verification off", () => {
  it("needs the password and a code; afterwards sign-in takes the password alone and no session counts as two-factor", async () => {
    const { email, password, secret, user, sessionId, now } = await enrolled();
    const at = later(now, 1);
    await expect(disableTwoFactor(db, { userId: user.id }, { password, code: "111111" }, at)).rejects.toMatchObject({
      fieldErrors: { code: ["wrongCode"] },
    });
    await expect(disableTwoFactor(db, { userId: user.id }, { password: "nope", code: codeAt(secret, at) }, at)).rejects.toMatchObject({
      fieldErrors: { password: ["wrongPassword"] },
    });
    await disableTwoFactor(db, { userId: user.id }, { password, code: codeAt(secret, at) }, at);
    expect(await authenticate(db, { email, password, now: at })).toMatchObject({ ok: true, twoFactor: false });
    expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toEqual([]);
    const [row] = await db.select({ twoFactor: sessions.twoFactor }).from(sessions).where(eq(sessions.id, sessionId));
    expect(row).toEqual({ twoFactor: false });
  });
});

describe("a company that requires two-step verification", () => {
  const configured = [] as const;

  it("can be turned on only from a session that meets it, and the change is audited", async () => {
    const company = await makeTenant(db, "Strict");
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    const attempt = withTenant(db, company.tenant.id, (tx) =>
      setRequireTwoFactor(tx, scope, { required: true, session: { signInMethod: "password", twoFactor: false } }),
    );
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ key: "useTwoFactorFirst" });
    await withTenant(db, company.tenant.id, (tx) =>
      setRequireTwoFactor(tx, scope, { required: true, session: { signInMethod: "password", twoFactor: true } }),
    );
    const audit = await db.select().from(auditLog).where(eq(auditLog.tenantId, company.tenant.id));
    expect(audit.find((entry) => entry.action === "tenant.requireTwoFactor")).toMatchObject({
      actorUserId: company.user.id,
      details: { required: true },
    });
  });

  it("sends a password-only session to set it up or to sign in again, and lets two-factor and provider sessions in", async () => {
    const company = await makeTenant(db, "Required");
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    await withTenant(db, company.tenant.id, (tx) =>
      setRequireTwoFactor(tx, scope, { required: true, session: { signInMethod: "oidc" } }),
    );
    const slug = company.tenant.slug;
    const userId = company.user.id;
    expect(await tenantAccess(db, { userId, signInMethod: "password" }, slug, configured)).toEqual({
      type: "twoFactorRequired",
      enrolled: false,
      tenantName: company.tenant.name,
      email: company.email,
    });
    expect(await tenantAccess(db, { userId, signInMethod: "password", twoFactor: true }, slug, configured)).toMatchObject({
      type: "ok",
      ctx: { twoFactor: true, tenant: { requireTwoFactor: true } },
    });
    expect(await tenantAccess(db, { userId, signInMethod: "google" }, slug, configured)).toMatchObject({ type: "ok" });

    const now = new Date();
    const sessionId = await openSession(db, { userId, userAgent: "Vitest", now, maxAgeMs: 3_600_000 });
    const { secret } = await startTwoFactor(db, userId);
    await confirmTwoFactor(db, { userId, sessionId }, { password: company.password, code: codeAt(secret, now) }, now);
    expect(await tenantAccess(db, { userId, signInMethod: "password" }, slug, configured)).toMatchObject({
      type: "twoFactorRequired",
      enrolled: true,
    });
  });
});
