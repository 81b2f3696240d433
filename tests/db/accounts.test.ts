import crypto from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { accountMail, passwordResets, pendingSignUps, tenants, users } from "../../db/schema";
import { changePassword, requestPasswordReset, resetPassword, passwordResetFor } from "../../lib/accounts/password";
import { completeSignUp, pendingSignUp, requestSignUp, SIGN_UP_LINK_TTL_MS } from "../../lib/accounts/sign-up";
import { openSession, openSessionRow } from "../../lib/auth/sessions";
import { authenticate } from "../../lib/auth/sign-in";
import { accountMailDelivery, sendAccountMail } from "../../lib/outbox/account-mail";
import { signUpSchema } from "../../lib/tenants/sign-up";
import { makeTenant, testDatabase } from "../setup/db";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";

const db = await testDatabase();
let sink: SmtpSink;
let env: Record<string, string>;

beforeAll(async () => {
  sink = await startSmtpSink();
  env = { POSTDESK_SMTP_URL: `smtp://${sink.host}:${sink.port}/?requireTLS=false`, POSTDESK_MAIL_FROM: "Postdesk <no-reply@postdesk.test>" };
});
afterAll(() => sink.stop());

function unique(): string {
  return crypto.randomBytes(4).toString("hex");
}

function signUpForm(email: string) {
  return signUpSchema.parse({
    companyName: `Firma ${unique()}`,
    adminName: "Anna Kowalska",
    email,
    password: "Zielony-Parasol-Nad-Wisla",
    locale: "pl",
  });
}

async function mailRow(id: string | null) {
  if (!id) return null;
  const [row] = await db.select().from(accountMail).where(eq(accountMail.id, id));
  return row ?? null;
}

/** The token of the first link to `path` in a queued mail's text. */
function tokenIn(text: string, path: string): string {
  const match = text.match(new RegExp(`${path}/([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error(`No ${path} link in:\n${text}`);
  return match[1];
}

describe("sign-up by a mailed link", () => {
  it("creates nothing until the link is confirmed, then the company with the password chosen at sign-up, once", async () => {
    const email = `anna-${unique()}@firma.test`;
    const form = signUpForm(email);
    const { mailId } = await requestSignUp(db, form);
    const mail = await mailRow(mailId);
    expect(mail).toMatchObject({ toAddress: email, kind: "verify_sign_up", locale: "pl", status: "ready" });
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    expect(await db.select().from(tenants).where(eq(tenants.name, form.companyName))).toEqual([]);

    const token = tokenIn(mail!.text, "/pl/sign-up/verify");
    expect(await pendingSignUp(db, token)).toEqual({ email, companyName: form.companyName });
    // Neither the token nor the password is stored as such.
    const [pending] = await db.select().from(pendingSignUps).where(eq(pendingSignUps.email, email));
    expect(JSON.stringify(pending)).not.toContain(token);
    expect(JSON.stringify(pending)).not.toContain(form.password);

    const created = await completeSignUp(db, { token, firstDivisionName: "Obsługa klienta" });
    expect(created).toMatchObject({ type: "created", email });
    expect((await authenticate(db, { email, password: form.password })).ok).toBe(true);
    expect(await completeSignUp(db, { token, firstDivisionName: "Obsługa klienta" })).toEqual({ type: "invalid" });
    expect(await pendingSignUp(db, token)).toBeNull();
  });

  it("for an address with an account, mails its owner instead, and answers as for a new one", async () => {
    const owner = await makeTenant(db, "Taken");
    const { mailId } = await requestSignUp(db, signUpForm(owner.email.toUpperCase()));
    const mail = await mailRow(mailId);
    expect(mail).toMatchObject({ toAddress: owner.email, kind: "account_exists", locale: "en" });
    expect(mail!.text).toContain(`/en/sign-in?email=${encodeURIComponent(owner.email)}`);
    expect(mail!.text).toContain("/en/forgot-password");
    expect(await db.select().from(pendingSignUps).where(eq(pendingSignUps.email, owner.email))).toEqual([]);
  });

  it("sends at most three mails an hour to one address, whoever asks", async () => {
    const email = `flooded-${unique()}@firma.test`;
    const now = new Date();
    const ids = [];
    for (let n = 0; n < 4; n++) ids.push((await requestSignUp(db, signUpForm(email), now)).mailId);
    expect(ids.slice(0, 3).every(Boolean)).toBe(true);
    expect(ids[3]).toBeNull();
    const later = new Date(now.getTime() + 61 * 60_000);
    expect((await requestSignUp(db, signUpForm(email), later)).mailId).not.toBeNull();
  });

  it("a link past its 24 hours, or for an address that got an account meanwhile, creates nothing", async () => {
    const email = `late-${unique()}@firma.test`;
    const asked = new Date();
    const mail = await mailRow((await requestSignUp(db, signUpForm(email), asked)).mailId);
    const token = tokenIn(mail!.text, "/pl/sign-up/verify");
    const expired = new Date(asked.getTime() + SIGN_UP_LINK_TTL_MS + 1000);
    expect(await pendingSignUp(db, token, expired)).toBeNull();
    expect(await completeSignUp(db, { token, firstDivisionName: "Support" }, expired)).toEqual({ type: "invalid" });

    const raced = `raced-${unique()}@firma.test`;
    const racedMail = await mailRow((await requestSignUp(db, signUpForm(raced))).mailId);
    await makeTenant(db, "Raced").then((t) => db.update(users).set({ email: raced }).where(eq(users.id, t.user.id)));
    const outcome = await completeSignUp(db, { token: tokenIn(racedMail!.text, "/pl/sign-up/verify"), firstDivisionName: "Support" });
    expect(outcome).toEqual({ type: "emailTaken", email: raced });
  });
});

/** Two open sessions of the user, as two browsers would hold. */
async function twoSessions(userId: string): Promise<{ here: string; there: string; open(id: string): Promise<boolean> }> {
  const now = new Date();
  const here = await openSession(db, { userId, userAgent: "here", now, maxAgeMs: 60 * 60_000 });
  const there = await openSession(db, { userId, userAgent: "there", now, maxAgeMs: 60 * 60_000 });
  return { here, there, open: async (sessionId) => (await openSessionRow(db, { sessionId, userId, now })) !== null };
}

describe("forgot password", () => {
  it("mails a one-time link that sets a new, strong password; the old one stops working, and so does every session", async () => {
    const owner = await makeTenant(db, "Forgetful");
    const sessions = await twoSessions(owner.user.id);
    expect(await requestPasswordReset(db, { email: `nobody-${unique()}@nowhere.test` })).toEqual({ mailId: null });
    const mail = await mailRow((await requestPasswordReset(db, { email: owner.email.toUpperCase() })).mailId);
    expect(mail).toMatchObject({ toAddress: owner.email, kind: "reset_password" });
    const token = tokenIn(mail!.text, "/en/reset-password");
    expect(await passwordResetFor(db, token)).toEqual({ email: owner.email });

    await expect(resetPassword(db, { token, password: "aaaaaaaaaa" })).rejects.toMatchObject({
      fieldErrors: { password: expect.arrayContaining(["passwordWeak", "passwordWarning.simpleRepeat"]) },
    });
    const fresh = "Niebieska-Latarnia-Nocą";
    expect(await resetPassword(db, { token, password: fresh })).toEqual({ email: owner.email });
    expect((await authenticate(db, { email: owner.email, password: fresh })).ok).toBe(true);
    expect((await authenticate(db, { email: owner.email, password: owner.password })).ok).toBe(false);
    expect([await sessions.open(sessions.here), await sessions.open(sessions.there)]).toEqual([false, false]);
    await expect(resetPassword(db, { token, password: "Another-Fresh-Password-2" })).rejects.toMatchObject({
      key: "resetLinkInvalid",
    });
  });

  it("a link works for an hour, and an address gets at most three an hour", async () => {
    const owner = await makeTenant(db, "Hourly");
    const now = new Date();
    const ids = [];
    for (let n = 0; n < 4; n++) ids.push((await requestPasswordReset(db, { email: owner.email }, now)).mailId);
    expect(ids.filter(Boolean)).toHaveLength(3);
    const token = tokenIn((await mailRow(ids[0]!))!.text, "/en/reset-password");
    const late = new Date(now.getTime() + 60 * 60_000 + 1000);
    expect(await passwordResetFor(db, token, late)).toBeNull();
    await expect(resetPassword(db, { token, password: "Niebieska-Latarnia-Nocą" }, late)).rejects.toMatchObject({
      key: "resetLinkInvalid",
    });
    const resets = await db.select().from(passwordResets).where(eq(passwordResets.userId, owner.user.id));
    expect(resets.map((r) => r.tokenHash)).not.toContain(token);
  });
});

describe("change password", () => {
  it("needs the current password and a strong new one, and ends the person's other sessions", async () => {
    const owner = await makeTenant(db, "Changing");
    const sessions = await twoSessions(owner.user.id);
    const me = { userId: owner.user.id, sessionId: sessions.here };
    await expect(
      changePassword(db, me, { currentPassword: "not-the-password", newPassword: "aaaaaaaaaa" }),
    ).rejects.toMatchObject({
      key: "invalidInput",
      fieldErrors: { currentPassword: ["wrongPassword"], newPassword: expect.arrayContaining(["passwordWeak"]) },
    });
    const fresh = "Niebieska-Latarnia-Nocą";
    expect([await sessions.open(sessions.here), await sessions.open(sessions.there)]).toEqual([true, true]);
    await changePassword(db, me, { currentPassword: owner.password, newPassword: fresh });
    expect([await sessions.open(sessions.here), await sessions.open(sessions.there)]).toEqual([true, false]);
    expect((await authenticate(db, { email: owner.email, password: fresh })).ok).toBe(true);
    expect((await authenticate(db, { email: owner.email, password: owner.password })).ok).toBe(false);
  });
});

describe("account mail", () => {
  it("goes out through the operator's SMTP server, from the configured sender", async () => {
    const email = `sent-${unique()}@firma.test`;
    const { mailId } = await requestSignUp(db, signUpForm(email));
    expect(await sendAccountMail(db, { ids: [mailId!], env })).toEqual({ sent: 1, retried: 0, failed: 0 });
    const message = sink.messages.find((m) => m.envelope.to.includes(email));
    const parsed = await simpleParser(message!.raw);
    expect(parsed.from?.value).toEqual([{ name: "Postdesk", address: "no-reply@postdesk.test" }]);
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(parsed.messageId).toBe(`<${(await mailRow(mailId))!.messageId}>`);
    expect(parsed.text).toContain("/pl/sign-up/verify/");
    expect(await mailRow(mailId)).toMatchObject({ status: "sent" });
  });

  it("is tried again later when the server answers 4xx, as the outbox's mail is", async () => {
    const { mailId } = await requestSignUp(db, signUpForm(`later-${unique()}@firma.test`));
    sink.setResponder(() => ({ code: 451, message: "try again later" }));
    const now = new Date();
    try {
      expect(await sendAccountMail(db, { ids: [mailId!], env, now: () => now })).toMatchObject({ retried: 1 });
    } finally {
      sink.setResponder(null);
    }
    const row = await mailRow(mailId);
    expect(row).toMatchObject({ status: "ready", attempts: 1 });
    expect(row!.nextAttemptAt.getTime()).toBe(now.getTime() + 60_000);
    expect(await sendAccountMail(db, { ids: [mailId!], env, now: () => new Date(now.getTime() + 61_000) })).toMatchObject({
      sent: 1,
    });
  });

  it("without a server, is printed on the server's console, so that `npm start` on a laptop can sign up", async () => {
    // `next start` runs in production mode: a first run without a mail server must still work.
    expect(accountMailDelivery({ NODE_ENV: "production" })).toEqual({ type: "console" });
    const { mailId } = await requestSignUp(db, signUpForm(`laptop-${unique()}@firma.test`));
    const printed = vi.spyOn(console, "info").mockImplementation(() => {});
    try {
      expect(await sendAccountMail(db, { ids: [mailId!], env: { NODE_ENV: "production" } })).toMatchObject({ sent: 1 });
      expect(String(printed.mock.calls[0]?.[0])).toContain("/pl/sign-up/verify/");
    } finally {
      printed.mockRestore();
    }
    await db.delete(accountMail).where(inArray(accountMail.id, [mailId!]));
  });
});
