import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, memberships, tickets, type TicketStatus } from "../../db/schema";
import { type TenantScope, withScope, withTenant, operatorScope } from "../../db/tenant";
import { resolveTenantContext } from "../../lib/auth/context";
import { openSession, openSessionRow } from "../../lib/auth/sessions";
import { acceptInvite, createInvite } from "../../lib/members/invites";
import { deactivateMember, listDeactivatedMembers, listMembers, openTicketCounts, reactivateMember } from "../../lib/members/members";
import { assignTicket } from "../../lib/tickets/assign";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const unique = () => crypto.randomBytes(4).toString("hex");

async function company(name: string) {
  const made = await makeTenant(db, name);
  const scope: TenantScope = { tenantId: made.tenant.id, userId: made.user.id, role: "owner" };
  return { ...made, scope };
}

type Company = Awaited<ReturnType<typeof company>>;

/** Someone who joined `host` by invitation with `role`, and has a browser session open. */
async function joins(host: Company, role: "owner" | "admin" | "agent", email = `member-${unique()}@people.test`) {
  const password = "Zielony-Parasol-Nad-Wisla";
  const { token } = await withTenant(db, host.tenant.id, (tx) => createInvite(tx, host.scope, { email, role }));
  const { userId } = await acceptInvite(db, { token, name: `Member ${unique()}`, password });
  const [membership] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, host.tenant.id), eq(memberships.userId, userId)));
  const sessionId = await openSession(db, { userId, userAgent: "test", now: new Date(), maxAgeMs: 60 * 60_000 });
  return { userId, email, membershipId: membership!.id, sessionId };
}

let ticketNumber = 1000;
async function ticketOf(host: Company, assigneeId: string, status: TicketStatus) {
  const [ticket] = await withTenant(db, host.tenant.id, (tx) =>
    tx
      .insert(tickets)
      .values({ tenantId: host.tenant.id, divisionId: host.divisionId, number: ticketNumber++, subject: status, status, assigneeId })
      .returning(),
  );
  return ticket!;
}

const assigneeOf = async (host: Company, ticketId: string) =>
  (await withTenant(db, host.tenant.id, (tx) => tx.select().from(tickets).where(eq(tickets.id, ticketId))))[0]!.assigneeId;

const sessionOpen = (userId: string, sessionId: string) =>
  openSessionRow(db, { sessionId, userId, now: new Date() }).then((row) => row !== null);

const identity = (userId: string) => ({ userId, signInMethod: "password" as const });

describe("deactivating a member", () => {
  it("ends their access and sessions, gives their open tickets to another member, and leaves closed ones as they were", async () => {
    const acme = await company("Leaving");
    const agent = await joins(acme, "agent");
    const open = await ticketOf(acme, agent.userId, "open");
    const answered = await ticketOf(acme, agent.userId, "answered");
    const closed = await ticketOf(acme, agent.userId, "closed");
    expect(await resolveTenantContext(db, identity(agent.userId), acme.tenant.slug)).not.toBeNull();
    expect((await withScope(db, acme.scope, (tx) => openTicketCounts(tx, acme.scope))).get(agent.userId)).toBe(2);

    const outcome = await withScope(db, acme.scope, (tx) =>
      deactivateMember(tx, acme.scope, { membershipId: agent.membershipId, reassignTo: acme.user.id }),
    );
    expect(outcome).toEqual({ reassigned: 2 });
    expect(await resolveTenantContext(db, identity(agent.userId), acme.tenant.slug)).toBeNull();
    expect(await sessionOpen(agent.userId, agent.sessionId)).toBe(false);
    expect([await assigneeOf(acme, open.id), await assigneeOf(acme, answered.id), await assigneeOf(acme, closed.id)]).toEqual([
      acme.user.id,
      acme.user.id,
      agent.userId,
    ]);
    // The closed ticket's page saves its assignee unchanged without a complaint.
    await expect(
      withScope(db, acme.scope, (tx) => assignTicket(tx, acme.scope, { ticketId: closed.id, assigneeId: agent.userId })),
    ).resolves.toMatchObject({ newlyAssignedUserId: null });

    const audit = await withTenant(db, acme.tenant.id, (tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.tenantId, acme.tenant.id), eq(auditLog.targetId, agent.membershipId))),
    );
    expect(audit.map((row) => [row.action, row.details])).toContainEqual([
      "member.deactivated",
      { userId: agent.userId, reassignedTo: acme.user.id, reassigned: 2 },
    ]);
    const ticketHistory = await withTenant(db, acme.tenant.id, (tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.action, "ticket.assigned"), eq(auditLog.targetId, open.id))),
    );
    expect(ticketHistory.map((row) => row.details)).toEqual([{ from: agent.userId, to: acme.user.id }]);
  });

  it("can leave the open tickets unassigned, and is no longer offered as an assignee", async () => {
    const acme = await company("Unassigned");
    const agent = await joins(acme, "agent");
    const open = await ticketOf(acme, agent.userId, "on_hold");
    await withScope(db, acme.scope, (tx) => deactivateMember(tx, acme.scope, { membershipId: agent.membershipId, reassignTo: null }));
    expect(await assigneeOf(acme, open.id)).toBeNull();

    const [active, deactivated] = await withScope(db, acme.scope, (tx) =>
      Promise.all([listMembers(tx, acme.scope), listDeactivatedMembers(tx, acme.scope)]),
    );
    expect(active.map((m) => m.userId)).toEqual([acme.user.id]);
    expect(deactivated.map((m) => m.userId)).toEqual([agent.userId]);
    await expect(
      withScope(db, acme.scope, (tx) => assignTicket(tx, acme.scope, { ticketId: open.id, assigneeId: agent.userId })),
    ).rejects.toMatchObject({ fieldErrors: { assigneeId: ["invalidChoice"] } });
  });

  it("keeps the sessions of someone still active in another company, who can work there", async () => {
    const acme = await company("First");
    const other = await company("Second");
    const agent = await joins(acme, "agent");
    const { token } = await withTenant(db, other.tenant.id, (tx) =>
      createInvite(tx, other.scope, { email: agent.email, role: "agent" }),
    );
    await acceptInvite(db, { token, name: "Same Person", password: "Zielony-Parasol-Nad-Wisla" });

    await withScope(db, acme.scope, (tx) => deactivateMember(tx, acme.scope, { membershipId: agent.membershipId, reassignTo: null }));
    expect(await sessionOpen(agent.userId, agent.sessionId)).toBe(true);
    expect(await resolveTenantContext(db, identity(agent.userId), acme.tenant.slug)).toBeNull();
    expect(await resolveTenantContext(db, identity(agent.userId), other.tenant.slug)).not.toBeNull();
  });

  it("refuses oneself, an owner to an admin, a deactivated or departing member as the new assignee, and the last active owner", async () => {
    const acme = await company("Rules");
    const admin = await joins(acme, "admin");
    const agent = await joins(acme, "agent");
    const secondOwner = await joins(acme, "owner");
    const ownerMembershipId = (
      await db.select().from(memberships).where(and(eq(memberships.tenantId, acme.tenant.id), eq(memberships.userId, acme.user.id)))
    )[0]!.id;
    const adminScope: TenantScope = { tenantId: acme.tenant.id, userId: admin.userId, role: "admin" };
    const deactivate = (scope: TenantScope, membershipId: string, reassignTo: string | null = null) =>
      withScope(db, scope, (tx) => deactivateMember(tx, scope, { membershipId, reassignTo }));

    await expect(deactivate(acme.scope, ownerMembershipId)).rejects.toMatchObject({ key: "cannotDeactivateSelf" });
    await expect(deactivate(adminScope, secondOwner.membershipId)).rejects.toMatchObject({ name: "ForbiddenError" });
    await expect(deactivate(adminScope, agent.membershipId, agent.userId)).rejects.toMatchObject({
      fieldErrors: { reassignTo: ["invalidChoice"] },
    });

    await deactivate(adminScope, agent.membershipId);
    await expect(deactivate(acme.scope, admin.membershipId, agent.userId)).rejects.toMatchObject({
      fieldErrors: { reassignTo: ["invalidChoice"] },
    });

    // Two owners: one may deactivate the other, but the one left active stays.
    await deactivate(acme.scope, secondOwner.membershipId);
    await expect(deactivate(operatorScope(acme.tenant.id), ownerMembershipId)).rejects.toMatchObject({ key: "lastOwner" });
    expect(await resolveTenantContext(db, identity(acme.user.id), acme.tenant.slug)).not.toBeNull();
  });

  it("is undone by reactivating: the same role, and the company is theirs to enter again", async () => {
    const acme = await company("Back");
    const admin = await joins(acme, "admin");
    await withScope(db, acme.scope, (tx) => deactivateMember(tx, acme.scope, { membershipId: admin.membershipId, reassignTo: null }));
    expect(await resolveTenantContext(db, identity(admin.userId), acme.tenant.slug)).toBeNull();
    await withScope(db, acme.scope, (tx) => reactivateMember(tx, acme.scope, admin.membershipId));
    expect(await resolveTenantContext(db, identity(admin.userId), acme.tenant.slug)).toMatchObject({ role: "admin" });
  });
});
