import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { forgetSignIns } from "../../lib/auth/cleanup";
import { endSession, openSession, revokeUserSessions, openSessionRow } from "../../lib/auth/sessions";
import { removeMember } from "../../lib/members/members";
import { makeTenant, testDatabase } from "../setup/db";
import { makeFilledTenant } from "../setup/tenant-data";

const db = await testDatabase();
const HOUR = 60 * 60_000;

function open(userId: string, now = new Date()) {
  return openSession(db, { userId, userAgent: "Vitest", now, maxAgeMs: 12 * HOUR });
}

const isOpen = async (sessionId: string, userId: string, now = new Date()) => (await openSessionRow(db, { sessionId, userId, now })) !== null;

describe("sessions", () => {
  it("signing out ends that session at once and leaves the user's other session open", async () => {
    const { user } = await makeTenant(db, "Two browsers");
    const laptop = await open(user.id);
    const phone = await open(user.id);
    expect(await isOpen(laptop, user.id)).toBe(true);
    await endSession(db, laptop);
    expect(await isOpen(laptop, user.id)).toBe(false);
    expect(await isOpen(phone, user.id)).toBe(true);
  });

  it("a session is open only for its own user and until it expires", async () => {
    const a = await makeTenant(db, "Owner A");
    const b = await makeTenant(db, "Owner B");
    const now = new Date();
    const session = await open(a.user.id, now);
    expect(await isOpen(session, b.user.id, now)).toBe(false);
    expect(await isOpen(session, a.user.id, new Date(now.getTime() + 12 * HOUR - 1))).toBe(true);
    expect(await isOpen(session, a.user.id, new Date(now.getTime() + 12 * HOUR))).toBe(false);
  });

  it("revoking a user's sessions ends all of them but the one kept (a password change keeps its own)", async () => {
    const { user } = await makeTenant(db, "Password change");
    const other = await makeTenant(db, "Bystander");
    const [here, there, elsewhere] = [await open(user.id), await open(user.id), await open(user.id)];
    const bystander = await open(other.user.id);
    expect(await revokeUserSessions(db, user.id, { except: here })).toBe(2);
    expect(await isOpen(here, user.id)).toBe(true);
    expect(await isOpen(there, user.id)).toBe(false);
    expect(await isOpen(elsewhere, user.id)).toBe(false);
    expect(await isOpen(bystander, other.user.id)).toBe(true);
    expect(await revokeUserSessions(db, user.id)).toBe(1);
    expect(await isOpen(here, user.id)).toBe(false);
  });

  it("removing a member ends their sessions at once, in the company's own transaction", async () => {
    const company = await makeFilledTenant(db, "Removing");
    const agentSession = await open(company.agent.id);
    const ownerSession = await open(company.user.id);
    await withTenant(db, company.tenant.id, (tx) => removeMember(tx, company.scope, company.agentMembershipId));
    expect(await isOpen(agentSession, company.agent.id)).toBe(false);
    expect(await db.select().from(sessions).where(eq(sessions.userId, company.agent.id))).toEqual([]);
    expect(await isOpen(ownerSession, company.user.id)).toBe(true);
  });

  it("a company's context cannot end the sessions of someone who is not its member", async () => {
    const a = await makeTenant(db, "Company A");
    const b = await makeTenant(db, "Company B");
    const session = await open(b.user.id);
    expect(await withTenant(db, a.tenant.id, (tx) => revokeUserSessions(tx, b.user.id))).toBe(0);
    expect(await isOpen(session, b.user.id)).toBe(true);
  });

  it("the hourly chore deletes expired sessions and keeps live ones", async () => {
    const { user } = await makeTenant(db, "Expiring");
    const now = new Date();
    const old = await open(user.id, new Date(now.getTime() - 13 * HOUR));
    const live = await open(user.id, now);
    await forgetSignIns(db, { now });
    const left = (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id))).map((row) => row.id);
    expect(left).toEqual([live]);
    expect(left).not.toContain(old);
  });
});
