import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountMail, auditLog, invites, memberships } from "../../db/schema";
import { type TenantScope, withScope } from "../../db/tenant";
import { inviteByMail, sendInviteAgain } from "../../lib/accounts/invitations";
import { acceptInvite, inviteDetails } from "../../lib/members/invites";
import { sendAccountMail } from "../../lib/outbox/account-mail";
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

const unique = () => crypto.randomBytes(4).toString("hex");

/** A company and its owner acting as a signed-in member does: the transaction bound to both. */
async function company(name: string) {
  const made = await makeTenant(db, name);
  const scope: TenantScope = { tenantId: made.tenant.id, userId: made.user.id, role: "owner" };
  return { ...made, scope, act: <T>(work: Parameters<typeof withScope<T>>[2]) => withScope(db, scope, work) };
}

/** The mail the sink received for `to`, sent from the queue as the request does right after answering. */
async function delivered(mailId: string, to: string) {
  expect(await sendAccountMail(db, { ids: [mailId], env })).toEqual({ sent: 1, retried: 0, failed: 0 });
  const message = sink.messages.filter((m) => m.envelope.to.includes(to)).at(-1);
  if (!message) throw new Error(`Nothing reached the sink for ${to}`);
  return simpleParser(message.raw);
}

function tokenIn(text: string, path: string): string {
  const match = text.match(new RegExp(`https?://\\S+${path}/([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error(`No ${path} link in:\n${text}`);
  return match[1];
}

describe("invitations by mail", () => {
  it("queue a mail with the invitation, in the invitee's language, naming the company and the inviter; its link accepts once", async () => {
    const acme = await company("Mailing");
    const email = `zofia-${unique()}@people.test`;
    const sent = await acme.act((tx) => inviteByMail(tx, acme.scope, { email, role: "agent", locale: "pl" }));

    const [queued] = await db.select().from(accountMail).where(eq(accountMail.id, sent.mailId));
    expect(queued).toMatchObject({ toAddress: email, kind: "invite", locale: "pl", status: "ready" });

    const mail = await delivered(sent.mailId, email);
    expect(mail.subject).toBe(`Mailing Owner zaprasza Cię do firmy ${acme.tenant.name} w Postdesku`);
    expect(mail.text).toContain(`Mailing Owner zaprasza Cię do działu pomocy firmy ${acme.tenant.name} w Postdesku.`);
    const token = tokenIn(mail.text ?? "", "/pl/invite");
    expect(sent.link).toContain(`/pl/invite/${token}`);
    expect(await inviteDetails(db, token)).toMatchObject({ email, role: "agent", tenantName: acme.tenant.name });

    const accepted = await acceptInvite(db, { token, name: "Zofia Nowak", password: "Zielony-Parasol-Nad-Wisla", locale: "pl" });
    const [membership] = await db.select().from(memberships).where(eq(memberships.userId, accepted.userId));
    expect(membership).toMatchObject({ tenantId: acme.tenant.id, role: "agent" });
    await expect(
      acceptInvite(db, { token, name: "Zofia Nowak", password: "Zielony-Parasol-Nad-Wisla" }),
    ).rejects.toMatchObject({ key: "inviteUsed" });
  });

  it("go out in English when the inviter chooses it", async () => {
    const acme = await company("English");
    const email = `john-${unique()}@people.test`;
    const sent = await acme.act((tx) => inviteByMail(tx, acme.scope, { email, role: "light", locale: "en" }));
    const mail = await delivered(sent.mailId, email);
    expect(mail.subject).toBe(`English Owner invited you to ${acme.tenant.name} on Postdesk`);
    expect(tokenIn(mail.text ?? "", "/en/invite")).toBeTruthy();
  });

  it("sent again, carry a new link, and the old one stops working", async () => {
    const acme = await company("Again");
    const email = `again-${unique()}@people.test`;
    const first = await acme.act((tx) => inviteByMail(tx, acme.scope, { email, role: "agent", locale: "en" }));
    const oldToken = tokenIn((await delivered(first.mailId, email)).text ?? "", "/en/invite");

    const again = await acme.act((tx) => sendInviteAgain(tx, acme.scope, { inviteId: first.invite.id, locale: "pl" }));
    expect(again.invite.id).toBe(first.invite.id);
    const newToken = tokenIn((await delivered(again.mailId, email)).text ?? "", "/pl/invite");
    expect(newToken).not.toBe(oldToken);

    expect(await inviteDetails(db, oldToken)).toBeNull();
    await expect(acceptInvite(db, { token: oldToken, name: "Old Link", password: "Zielony-Parasol-Nad-Wisla" })).rejects.toMatchObject({
      key: "inviteInvalid",
    });
    await acceptInvite(db, { token: newToken, name: "New Link", password: "Zielony-Parasol-Nad-Wisla" });
    const audit = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, first.invite.id));
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(["invite.created", "invite.renewed", "invite.accepted"]));
    // Accepted: nothing is left to send again.
    await expect(
      acme.act((tx) => sendInviteAgain(tx, acme.scope, { inviteId: first.invite.id, locale: "en" })),
    ).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("go to one address at most three times an hour; a refused Send again keeps the last link working", async () => {
    const acme = await company("Flood");
    const email = `flood-${unique()}@people.test`;
    const now = new Date();
    const first = await acme.act((tx) => inviteByMail(tx, acme.scope, { email, role: "agent", locale: "en" }, now));
    await acme.act((tx) => sendInviteAgain(tx, acme.scope, { inviteId: first.invite.id, locale: "en" }, now));
    const third = await acme.act((tx) => sendInviteAgain(tx, acme.scope, { inviteId: first.invite.id, locale: "en" }, now));
    await expect(
      acme.act((tx) => sendInviteAgain(tx, acme.scope, { inviteId: first.invite.id, locale: "en" }, now)),
    ).rejects.toMatchObject({ key: "inviteMailLimit", values: { email } });
    const thirdToken = third.link.split("/").at(-1)!;
    expect(await inviteDetails(db, thirdToken)).toMatchObject({ email });
    const later = new Date(now.getTime() + 61 * 60_000);
    await expect(
      acme.act((tx) => sendInviteAgain(tx, acme.scope, { inviteId: first.invite.id, locale: "en" }, later)),
    ).resolves.toMatchObject({ invite: { id: first.invite.id } });
  });

  it("queue no mail when the invitation is refused", async () => {
    const acme = await company("Refused");
    await expect(
      acme.act((tx) => inviteByMail(tx, acme.scope, { email: acme.email, role: "agent", locale: "en" })),
    ).rejects.toMatchObject({ fieldErrors: { email: ["alreadyMember"] } });
    expect(await db.select().from(accountMail).where(eq(accountMail.toAddress, acme.email))).toEqual([]);

    const email = `x-${unique()}@people.test`;
    const admin: TenantScope = { ...acme.scope, role: "admin" };
    await expect(
      withScope(db, admin, (tx) => inviteByMail(tx, admin, { email, role: "owner", locale: "en" })),
    ).rejects.toMatchObject({ name: "ForbiddenError" });
    expect(await db.select().from(accountMail).where(eq(accountMail.toAddress, email))).toEqual([]);
    expect(await db.select().from(invites).where(eq(invites.email, email))).toEqual([]);
  });
});
